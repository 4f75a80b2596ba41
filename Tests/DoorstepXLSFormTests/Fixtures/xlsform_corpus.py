#!/usr/bin/env python3
"""The XLSForm corpus of the import tests, and pyxform's reading of it (the oracle).

    xlsform_corpus.py write SPEC.json DIR   writes DIR/NAME.xlsx for each {"NAME": {"survey": rows, ...}}
    xlsform_corpus.py corpus DIR            writes the hand-written forms below as DIR/NAME.xlsx
    xlsform_corpus.py oracle DIR            writes DIR/NAME.pyxform.json for each DIR/NAME.xlsx

A row is a list of cells: text, a number, a boolean, or null for an empty cell; an empty list is
an empty row. openpyxl writes the workbooks, pyxform (the reference XLSForm converter) reads them.
The summary gives, per question and group, what pyxform's JSON says (type, choices, labels per
language, messages, the choices' other columns) and the bind of the XForm it writes (relevant,
constraint, calculate and required, with ${name} turned into /data/... paths), and a select's
choice filter as the predicate of its itemset's nodeset.
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont


def cell_value(value):
    # {"rich": ["Drug ", "dealing"]} is a cell of rich text runs, the second one bold.
    if isinstance(value, dict) and "rich" in value:
        runs = value["rich"]
        return CellRichText([runs[0]] + [TextBlock(InlineFont(b=True), run) for run in runs[1:]])
    return value


def write(forms, directory):
    for name, sheets in forms.items():
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for title, rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for number, row in enumerate(rows, start=1):
                for column, value in enumerate(row, start=1):
                    if value is not None:
                        sheet.cell(row=number, column=column, value=cell_value(value))
        workbook.save(os.path.join(directory, name + ".xlsx"))


# Forms written by hand as partnerships write them for days of action, and the XLSForm
# specification's examples (https://xlsform.org/en/), each as a form of its own.
CORPUS = {
    "bin-fires": {
        "survey": [
            ["type", "name", "label::English (en)", "label::Polski (pl)", "hint::English (en)", "required", "relevant",
             "constraint", "constraint_message::English (en)", "constraint_message::Polski (pl)", "calculation", "appearance"],
            ["note", "intro", "Fire and rescue: a few questions about bin fires in your street.", "Straż pożarna: kilka pytań o pożary pojemników na śmieci.", None, None, None, None, None, None, None, None],
            ["select_one yes_no", "consent", "May we ask you some questions?", "Czy możemy zadać kilka pytań?", None, "yes", None, None, None, None, None, "minimal"],
            ["begin group", "fires", "Bin fires", "Pożary pojemników", None, None, "${consent} = 'yes'", None, None, None, None, "field-list"],
            ["integer", "fires_seen", "How many bin fires have you seen this year?", "Ile pożarów pojemników widział(a) Pan/Pani w tym roku?", "Count each fire once.", "yes", None, ". >= 0 and . <= 50", "Enter a number from 0 to 50.", "Proszę podać liczbę od 0 do 50.", None, None],
            ["select_multiple where", "fire_places", "Where were they?", "Gdzie to było?", None, None, "${fires_seen} > 0", "not(selected(., 'none')) or count-selected(.) = 1", "“Nowhere near” goes alone.", None, None, None],
            ["time", "last_fire_time", "About what time was the last one?", "O której godzinie był ostatni?", "24-hour clock, such as 22:30.", None, "${fires_seen} > 0", None, None, None, None, None],
            ["calculate", "fire_rate", None, None, None, None, None, None, None, None, "round(${fires_seen} div 12, 2)", None],
            ["end group", "fires", None, None, None, None, None, None, None, None, None, None],
            ["acknowledge", "leaflet", "I have given the resident the bin safety leaflet.", None, None, None, None, None, None, None, None, None],
        ],
        "choices": [
            ["list_name", "name", "label::English (en)", "label::Polski (pl)"],
            ["yes_no", "yes", "Yes", "Tak"],
            ["yes_no", "no", "No", "Nie"],
            ["where", "front", "Front gardens", "Ogródki od frontu"],
            ["where", "alley", "Back alleys", "Zaułki"],
            ["where", "none", "Nowhere near", "Nigdzie w pobliżu"],
        ],
        "settings": [
            ["form_id", "version", "form_title", "default_language"],
            ["bin-fires", 2026110101, "Bin fires day of action", "English (en)"],
        ],
    },
    "welfare-check": {
        "survey": [
            ["type", "name", "label", "hint", "required", "required_message", "relevant", "constraint", "constraint_message",
             "default", "calculation", "sensitive", "on_withdrawal", "safeguarding"],
            ["start", "started"] + [None] * 12,
            ["today", "visit_day"] + [None] * 12,
            ["select_one yes_no", "consent", "Is the resident happy to talk to us?", None, "yes", "Ask before anything else.", None, None, None, None, None, None, None, None],
            ["begin_group", "home", "The home", "Look, do not search.", None, None, "${consent} = 'yes'", None, None, None, None, None, None, None],
            ["select_multiple signs", "signs", "Signs that the home has been taken over", "Choose all you see.", "yes", None, None, "not(selected(., 'none')) or count-selected(.) = 1", "“None” goes alone.", None, None, None, None, None],
            ["date", "visitors_since", "Since when have there been many visitors?", None, None, None, "not(selected(${signs}, 'none'))", ". <= today()", "A date in the past.", "today()", None, None, None, None],
            ["datetime", "last_seen", "When was the resident last seen well?", None, None, None, None, None, None, None, None, None, None, None],
            ["begin_group", "people", "People", None, None, None, None, None, None, None, None, None, None, None],
            ["integer", "adults", "How many adults live here?", None, True, None, None, ". >= 1", None, "1", None, None, None, None],
            ["text", "resident_name", "Resident's name", None, None, None, None, None, None, None, None, "yes", None, None],
            ["end_group"] + [None] * 13,
            ["end_group"] + [None] * 13,
            ["select_one yes_no", "concern", "Officer: do you have a safeguarding concern?", None, "true", None, None, None, None, None, None, None, None, "yes"],
            ["text", "concern_details", "Describe the concern.", None, "yes", None, "${concern} = 'yes'", None, None, None, None, "yes", "keep", None],
            ["calculate", "concern_label", None, None, None, None, None, None, None, None, "jr:choice-name(${concern}, '${concern}')", None, None, None],
        ],
        "choices": [
            ["list_name", "name", "label", "replaces"],
            ["yes_no", "yes", "Yes", None],
            ["yes_no", "no", "No", None],
            ["signs", "visitors", "Many visitors at all hours", None],
            ["signs", "new_people", "New people living here", "strangers"],
            ["signs", "none", "None of these", None],
        ],
        "settings": [
            ["form_id", "version", "form_title", "consent"],
            ["welfare-check", "3", "Cuckooing welfare check", "consent"],
        ],
    },
    # Headings in other cases and order, empty rows, numeric choice names and version, real
    # boolean cells, rich text and one plain language named by default_language.
    "asb-street": {
        "survey": [
            ["Label", "NAME", "Type", "Required", "Relevant", "Hint"],
            [],
            ["How much of a problem is anti-social behaviour in your street?", "asb_problem", "select_one scale", True, None, None],
            [{"rich": ["Which ", "one"]}, "worst", "select_one asb_kind", "yes", "${asb_problem} >= 3", "The worst one only."],
            [],
            ["Anything else?", "comments", "text", False, None, None],
        ],
        "choices": [
            ["List_Name", "Name", "Label"],
            ["scale", 1, "Not a problem"],
            ["scale", 2, "A small problem"],
            ["scale", 3, "A big problem"],
            [],
            ["asb_kind", "noise", "Noise"],
            ["asb_kind", "groups", {"rich": ["Groups ", "hanging about"]}],
        ],
        "settings": [
            ["Form_ID", "Version", "Default_Language"],
            ["asb-street", 7, "English (en)"],
        ],
    },
    # xlsform.org: relevant.
    "spec-relevant": {
        "survey": [
            ["type", "name", "label", "relevant"],
            ["select_one yes_no", "likes_pizza", "Do you like pizza?", None],
            ["select_multiple pizza_toppings", "favorite_topping", "Favorite toppings", "${likes_pizza} = 'yes'"],
        ],
        "choices": [
            ["list_name", "name", "label"],
            ["yes_no", "yes", "Yes"],
            ["yes_no", "no", "No"],
            ["pizza_toppings", "cheese", "Cheese"],
            ["pizza_toppings", "pepperoni", "Pepperoni"],
            ["pizza_toppings", "sausage", "Sausage"],
        ],
        "settings": [["form_id", "version"], ["spec_relevant", 1]],
    },
    # xlsform.org: constraints and their messages, required messages.
    "spec-constraint": {
        "survey": [
            ["type", "name", "label", "constraint", "constraint_message", "required", "required_message"],
            ["integer", "age", "How old are you?", ". <= 150", "This value must be less than 150", "yes", "Sorry, this response is required!"],
        ],
        "settings": [["form_id", "version"], ["spec_constraint", 1]],
    },
    # xlsform.org: calculation.
    "spec-calculation": {
        "survey": [
            ["type", "name", "label", "calculation"],
            ["decimal", "amount", "What was the price of the meal?", None],
            ["calculate", "tip", None, "${amount} * 0.18"],
            ["note", "display", "18% tip for your meal is: ${tip}", None],
        ],
        "settings": [["form_id", "version"], ["spec_calculation", 1]],
    },
    # xlsform.org: multiple language support, with hints and choices translated.
    "spec-languages": {
        "survey": [
            ["type", "name", "label::English (en)", "label::Español (es)", "hint::English (en)", "hint::Español (es)"],
            ["integer", "age", "How old are you?", "¿Cuántos años tienes?", "Age in years", "Edad en años"],
            ["select_one yes_no", "happy", "Are you happy?", "¿Estás feliz?", None, None],
        ],
        "choices": [
            ["list_name", "name", "label::English (en)", "label::Español (es)"],
            ["yes_no", "yes", "Yes", "Sí"],
            ["yes_no", "no", "No", "No"],
        ],
        "settings": [["form_id", "version", "default_language"], ["spec_languages", 1, "English (en)"]],
    },
    # xlsform.org: grouping questions, with a group inside a group.
    "spec-groups": {
        "survey": [
            ["type", "name", "label"],
            ["text", "name", "Respondent's name"],
            ["begin group", "respondent", "Respondent"],
            ["integer", "age", "Respondent's age"],
            ["begin group", "address", "Address"],
            ["text", "street", "Street"],
            ["end group", None, None],
            ["end group", None, None],
        ],
        "settings": [["form_id", "version"], ["spec_groups", 1]],
    },
    # What Doorstep refuses, each a valid XLSForm: the test names the sheet, row and column.
    "refused-repeat": {
        "survey": [
            ["type", "name", "label"],
            ["text", "street", "Street"],
            ["begin repeat", "household", "Household member"],
            ["text", "member", "Name"],
            ["end repeat", None, None],
        ],
        "settings": [["form_id", "version"], ["refused_repeat", 1]],
    },
    "refused-geopoint": {
        "survey": [["name", "type", "label"], ["door", "geopoint", "Where is the door?"]],
        "settings": [["form_id", "version"], ["refused_geopoint", 1]],
    },
    "refused-external": {
        "survey": [["type", "name", "label"], ["select_one_from_file streets.csv", "street", "Street"]],
        "settings": [["form_id", "version"], ["refused_external", 1]],
    },
    "refused-media": {
        "survey": [["type", "name", "label", "media::image"], ["note", "map", "The area", "map.png"]],
        "settings": [["form_id", "version"], ["refused_media", 1]],
    },
    # xlsform.org: cascading selects, a choices column read by choice_filter.
    "spec-cascading-select": {
        "survey": [
            ["type", "name", "label", "choice_filter"],
            ["select_one county", "county", "County", None],
            ["select_one district", "district", "District", "county = ${county}"],
            ["select_multiple district", "nearby", "Districts nearby", "county = ${county} or name = 'other'"],
        ],
        "choices": [
            ["list_name", "name", "label", "county"],
            ["county", "north", "North", None],
            ["county", "south", "South", None],
            ["district", "n1", "Northgate", "north"],
            ["district", "n2", "Norbury", "north"],
            ["district", "s1", "Southend", "south"],
            ["district", "other", "Elsewhere", None],
        ],
        "settings": [["form_id", "version"], ["spec_cascading_select", 1]],
    },
}


def label_map(value):
    return value if isinstance(value, dict) else ({} if value is None else {"default": value})


def oracle(directory):
    from pyxform import xls2json, xls2xform

    for file in sorted(os.listdir(directory)):
        if not file.endswith(".xlsx"):
            continue
        path = os.path.join(directory, file)
        try:
            result = xls2xform.convert(xlsform=path)
            form = xls2json.parse_file_to_json(path)
        except Exception as error:  # pyxform refuses the form
            summary = {"ok": False, "error": str(error)}
        else:
            binds = {}
            for bind in ET.fromstring(result.xform).iter("{http://www.w3.org/2002/xforms}bind"):
                binds[bind.get("nodeset")] = {key: value for key, value in bind.attrib.items() if key != "nodeset"}
            filters = {}
            for element in ET.fromstring(result.xform).iter():
                itemset = element.find("{http://www.w3.org/2002/xforms}itemset")
                if element.get("ref") and itemset is not None:
                    predicate = re.search(r"\[(.*)\]$", itemset.get("nodeset", ""))
                    if predicate:
                        filters[element.get("ref")] = predicate.group(1)
            nodes = []

            def visit(children, path):
                for child in children:
                    if child.get("name") == "meta":
                        continue
                    node_path = path + "/" + child["name"]
                    bind = child.get("bind", {})
                    nodes.append({
                        "name": child["name"],
                        "type": child["type"],
                        "list_name": child.get("list_name"),
                        "label": label_map(child.get("label")),
                        "hint": label_map(child.get("hint")),
                        "constraint_message": label_map(bind.get("jr:constraintMsg")),
                        "required_message": label_map(bind.get("jr:requiredMsg")),
                        "choices": [
                            {"name": c["name"], "label": label_map(c.get("label")),
                             "columns": {k: str(v) for k, v in c.items() if k not in ("name", "label", "media", "replaces")}}
                            for c in child.get("choices", [])
                        ],
                        "choice_filter": filters.get(node_path),
                        "xform": binds.get(node_path, {}),
                    })
                    if child["type"] == "group":
                        visit(child.get("children", []), node_path)

            visit(form["children"], "/" + form["name"])
            summary = {
                "ok": True, "id": form.get("id_string"), "version": form.get("version"), "title": form.get("title"),
                "default_language": form.get("default_language"), "nodes": nodes,
            }
        with open(os.path.join(directory, file[:-len(".xlsx")] + ".pyxform.json"), "w", encoding="utf-8") as out:
            json.dump(summary, out, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "write":
        with open(arguments[0], encoding="utf-8") as spec:
            write(json.load(spec), arguments[1])
    elif command == "corpus":
        write(CORPUS, arguments[0])
    elif command == "oracle":
        oracle(arguments[0])
    else:
        sys.exit("usage: xlsform_corpus.py write SPEC.json DIR | corpus DIR | oracle DIR")
