import Yams

extension FormReader {
    static let routeKeys: Set<String> = ["question", "agencies", "sealed", "with"]

    /// Reads `follow_ups:`, a list of routes; names are checked later by ``FormChecker``.
    mutating func readFollowUps(_ node: Node?) -> [FollowUpRoute] {
        guard let node, !Self.isNull(node) else { return [] }
        guard case .sequence(let sequence) = node else {
            faults.append("The form must list its follow_ups as a YAML sequence (lines starting with '-')\(Self.at(node)).")
            return []
        }
        var routes: [FollowUpRoute] = []
        for item in sequence {
            let who = "The follow-up route\(Self.at(item))"
            guard case .mapping(let mapping) = item else {
                faults.append("\(who) must be a mapping with question, agencies, sealed and with.")
                continue
            }
            for key in unknownKeys(mapping, allowed: Self.routeKeys) {
                faults.append("\(who) has unknown key '\(key)'; use question, agencies, sealed and with.")
            }
            guard let question = text(mapping["question"], key: "question", who: who) else {
                faults.append("\(who) has no question.")
                continue
            }
            let named = "The follow-up route of '\(question)'"
            var agencies: [(choice: String, agency: String)] = []
            if case .mapping(let map)? = mapping["agencies"] {
                for (key, value) in map {
                    guard let choice = key.scalar?.string, let agency = text(value, key: "agencies", who: named) else {
                        faults.append("\(named) maps each choice to one agency id, such as 'fire_rescue: fire'\(Self.at(key)).")
                        continue
                    }
                    agencies.append((choice, agency))
                }
            } else {
                faults.append("\(named) has no agencies; map each choice that asks an agency to its id, such as 'fire_rescue: fire'.")
            }
            routes.append(
                FollowUpRoute(
                    question: question, agencies: agencies,
                    sealed: names(mapping["sealed"], key: "sealed", who: named),
                    with: names(mapping["with"], key: "with", who: named)
                )
            )
        }
        return routes
    }

    /// A list of question names (`[a, b]` or lines starting with '-').
    private mutating func names(_ node: Node?, key: String, who: String) -> [String] {
        guard let node, !Self.isNull(node) else { return [] }
        guard case .sequence(let sequence) = node else {
            faults.append("\(who) must list '\(key)' as question names, such as [contact_name, contact_phone].")
            return []
        }
        return sequence.compactMap { text($0, key: key, who: who) }
    }
}
