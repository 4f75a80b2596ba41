#!/usr/bin/env bash
# Renders the organiser's report and live page in a real browser (Debian's headless Chromium) and saves the
# screenshots that docs/organiser-guide.md shows, in docs/report/.
#
# The reports come from the tests "A report for each sample form", "A day whose form was upgraded"
# and "The hard cases in one report" (Tests/DoorstepCoreTests/ReportTests.swift): a made-up but
# valid day of action on each questionnaire of forms/ (two with door locations, so with a map), a
# day whose form changed at midday, and a report with thirty long choices, one answer and no answers,
# turned into aggregates by the same core code the server uses, written as HTML to a temporary folder.
# Each is then drawn on screen (the top of the page, 1000 px wide) and printed to A4 PDF, whose
# pages are turned into PNGs with pdftoppm, so the print layout is checked too.
#
# Needs: chromium and poppler-utils (apt-get install -y chromium poppler-utils).
# Usage: scripts/render-report-screenshots.sh [OUTPUT_DIR]   (default docs/report)
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-docs/report}"
for tool in chromium pdftoppm pdftotext; do
    if ! command -v "$tool" >/dev/null; then
        echo "render-report-screenshots: $tool is missing; install it with: apt-get install -y chromium poppler-utils" >&2
        exit 69
    fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

swift build --product DoorstepPackageTests >&2
DOORSTEP_REPORT_OUTPUT="$work" swift test --skip-build --filter 'ReportTests|LivePageTests' >&2

browser() {
    # --no-sandbox: the sandbox cannot start as root, as in CI containers.
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --no-first-run --disable-extensions "$@" 2>/dev/null
}

# The top of a page as it appears on screen.
screen() { # NAME HEIGHT
    browser --window-size="1000,$2" --screenshot="$out/$1.png" "file://$work/$1.html"
    echo "$out/$1.png"
}

# One A4 page of the printed report: the first page whose text contains WORDS.
printed() { # NAME WORDS PNG_NAME
    local pdf="$work/$1.pdf"
    [ -f "$pdf" ] || browser --no-pdf-header-footer --print-to-pdf="$pdf" "file://$work/$1.html"
    local pages page
    pages="$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')"
    for page in $(seq 1 "${pages:-1}"); do
        if pdftotext -f "$page" -l "$page" "$pdf" - | grep -q "$2"; then
            pdftoppm -f "$page" -l "$page" -r 80 -png -singlefile "$pdf" "$out/$3"
            echo "$out/$3.png (page $page of $pages)"
            return
        fi
    done
    echo "render-report-screenshots: no page of $1 says \"$2\"" >&2
    exit 1
}

screen community-safety 2300
screen community-safety-viewer 1400
screen community-safety-comparison 1900
screen safe-and-well 2000
screen women-girls-safety 2000
screen edge-cases 2500
screen live 1100
screen community-safety-upgrade 1000
printed community-safety "The day in figures" community-safety-print-page-1
printed community-safety "Doors and responses by street" community-safety-print-streets
printed community-safety-viewer "Doors and responses by street" community-safety-viewer-print-streets
printed community-safety "Where the doors are" community-safety-print-map
printed community-safety-viewer "Where the doors are" community-safety-viewer-print-map
printed safe-and-well "Where the doors are" safe-and-well-print-map
printed community-safety-upgrade "The choices changed" community-safety-upgrade-print-versions
printed community-safety-viewer "What residents wrote" community-safety-viewer-print-text
