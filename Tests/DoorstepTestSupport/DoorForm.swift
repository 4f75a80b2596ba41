/// The small door form of the store and CLI tests: skip logic, a constraint, a multi-select,
/// personal data and a safeguarding question.
/// - Parameters:
///   - version: The form version.
///   - extra: YAML for further questions, inserted before the safeguarding question.
///   - dropProblems: Leave out the multi-select (a later version that removed a question).
public func doorForm(version: String = "2", extra: String = "", dropProblems: Bool = false) -> String {
    """
    id: door
    version: \(version)
    title: Door survey
    questions:
      - name: consent
        type: select_one yes_no
        label: May we ask a few questions?
        required: true
      - name: safe_day
        type: select_one scale
        label: How safe do you feel by day?
        relevant: ${consent} = 'yes'
    \(dropProblems ? "" : """
      - name: problems
        type: select_multiple problem
        label: Which problems do you see?
        relevant: ${consent} = 'yes'
    """)
      - name: adults
        type: integer
        label: How many adults live here?
        constraint: . >= 1 and . <= 20
        constraint_message: Between 1 and 20 adults.
      - name: name
        type: text
        label: Your name
        sensitive: true
    \(extra)
      - name: concern
        type: select_one yes_no
        label: Safeguarding concern?
        safeguarding: true
    choices:
      yes_no:
        - name: 'yes'
          label: 'Yes'
        - name: 'no'
          label: 'No'
      scale:
        - name: very
          label: Very safe
        - name: fairly
          label: Fairly safe
        - name: not
          label: Not safe
      problem:
        - name: drugs
          label: Drug dealing
        - name: asb
          label: Anti-social behaviour
        - name: bins
          label: Bin fires
    """
}
