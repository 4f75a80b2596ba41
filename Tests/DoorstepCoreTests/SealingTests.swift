import DoorstepCore
import DoorstepSealing
import Foundation
import Testing

@Suite("Sealed answers: HPKE to agencies' keys, key files, and the validator's rule")
struct SealingTests {
    static let created = "2026-12-04T10:00:00Z"

    @Test("An answer sealed to two agencies opens for each of them, and for nobody else")
    func sealsToEachAgency() throws {
        let fire = try AgencyKeyring.generate(agency: "fire", created: Self.created)
        let council = try AgencyKeyring.generate(agency: "council-asb", created: Self.created)
        let housing = try AgencyKeyring.generate(agency: "housing", created: Self.created)
        let response = UUID()
        let sealed = try AnswerSealer.seal(
            "07700 900123", response: response, question: "contact_phone",
            to: [fire.currentPublicKey, council.currentPublicKey]
        )
        #expect(sealed.agencies == ["fire", "council-asb"])
        #expect(!sealed.text.contains("07700"))
        let read = try #require(SealedAnswer(text: sealed.text))
        #expect(read == sealed)
        #expect(try AnswerSealer.open(read, response: response, question: "contact_phone", with: fire) == "07700 900123")
        #expect(try AnswerSealer.open(read, response: response, question: "contact_phone", with: council) == "07700 900123")
        #expect(throws: SealingError.notSealedTo("housing")) {
            try AnswerSealer.open(read, response: response, question: "contact_phone", with: housing)
        }
    }

    @Test("A sealed answer copied to another response or question, or altered, does not open")
    func boundToItsPlace() throws {
        let fire = try AgencyKeyring.generate(agency: "fire", created: Self.created)
        let response = UUID()
        let sealed = try AnswerSealer.seal("Ann Example", response: response, question: "contact_name", to: [fire.currentPublicKey])
        #expect(throws: SealingError.cannotOpen) {
            try AnswerSealer.open(sealed, response: UUID(), question: "contact_name", with: fire)
        }
        #expect(throws: SealingError.cannotOpen) {
            try AnswerSealer.open(sealed, response: response, question: "contact_email", with: fire)
        }
        var altered = sealed
        altered.recipients[0].ciphertext[0] ^= 1
        #expect(throws: SealingError.cannotOpen) {
            try AnswerSealer.open(altered, response: response, question: "contact_name", with: fire)
        }
    }

    @Test("A key file opens only with its passphrase, and after a rotation opens answers sealed to either key")
    func keyFileAndRotation() throws {
        var keyring = try AgencyKeyring.generate(agency: "fire", created: Self.created)
        let old = keyring.currentPublicKey
        let response = UUID()
        let sealedToOld = try AnswerSealer.seal("01632 960123", response: response, question: "visit_phone", to: [old])
        let new = try keyring.rotate(created: "2027-01-01T00:00:00Z")
        #expect(new.keyID != old.keyID)
        #expect(keyring.currentPublicKey == new)
        let text = try keyring.fileText(passphrase: "correct horse battery")
        #expect(!text.contains(old.base64) || text.contains("public_key"))
        #expect(throws: SealingError.wrongPassphrase) {
            try AgencyKeyring(fileText: text, passphrase: "wrong horse battery")
        }
        #expect(throws: SealingError.weakPassphrase(AgencyKeyring.minimumPassphraseLength)) {
            try keyring.fileText(passphrase: "short")
        }
        let reopened = try AgencyKeyring(fileText: text, passphrase: "correct horse battery")
        #expect(reopened.currentPublicKey == new)
        #expect(try AnswerSealer.open(sealedToOld, response: response, question: "visit_phone", with: reopened) == "01632 960123")
        let sealedToNew = try AnswerSealer.seal("x", response: response, question: "visit_phone", to: [new])
        #expect(try AnswerSealer.open(sealedToNew, response: response, question: "visit_phone", with: reopened) == "x")
        #expect(throws: SealingError.badKeyFile("It is not a Doorstep agency key file (made by doorstep keys generate).")) {
            try AgencyKeyring(fileText: "{}", passphrase: "correct horse battery")
        }
    }

    @Test("A public key file names its agency and key id, and a changed key or id is refused")
    func publicKeyFile() throws {
        let key = try AgencyKeyring.generate(agency: "council-asb", created: Self.created).currentPublicKey
        let read = try AgencyPublicKey(fileText: key.fileText)
        #expect(read == key)
        #expect(key.keyID.count == SealedAnswer.keyIDLength)
        let otherID = key.fileText.replacingOccurrences(of: key.keyID, with: String(repeating: "0", count: 16))
        #expect(throws: SealingError.self) { try AgencyPublicKey(fileText: otherID) }
        #expect(throws: SealingError.self) { try AgencyPublicKey(fileText: "doorstep-agency-public-key 1 fire 0011 AAAA") }
        #expect(throws: SealingError.self) { try AgencyPublicKey(agency: "Fire!", base64: key.base64) }
    }

    @Test("The text of a sealed answer is read strictly")
    func strictText() throws {
        let key = try AgencyKeyring.generate(agency: "fire", created: Self.created).currentPublicKey
        let text = try AnswerSealer.seal("a", response: UUID(), question: "q", to: [key]).text
        #expect(SealedAnswer(text: text) != nil)
        for bad in [
            "07700 900123", "sealed1:", text + ";", text.replacingOccurrences(of: "sealed1:", with: "sealed2:"),
            text + ";" + text.dropFirst(SealedAnswer.prefix.count), // the same agency twice
            text.replacingOccurrences(of: "fire.", with: "Fire."),
            String(text.dropLast(2)),
        ] {
            #expect(SealedAnswer(text: bad) == nil, "\(bad)")
        }
    }

    static let form = """
        id: contact
        version: 1
        title: Contact
        follow_ups:
          - question: agency
            agencies: {fire_rescue: fire, council: council-asb}
            sealed: [phone]
            with: [best_time]
        questions:
          - name: agency
            type: select_multiple agency
            label: Who should contact you?
          - name: phone
            type: text
            label: Phone
            relevant: count-selected(${agency}) > 0
            sensitive: true
            retention: 12 months
            constraint: regex(., '^0[0-9 ]{9,12}$')
          - name: best_time
            type: text
            label: When?
        choices:
          agency:
            - {name: fire_rescue, label: Fire}
            - {name: council, label: Council}
            - {name: other, label: Someone else}
        """

    @Test("The validator takes only an answer sealed to exactly the agencies chosen, and checks the plain one at the door")
    func validatorRule() throws {
        let form = try FormDefinition.parse(yaml: Self.form)
        #expect(form.sealedQuestionNames == ["phone"])
        #expect(form.retention(of: try #require(form.question(named: "phone"))) == RetentionPeriod(count: 12, unit: .month))
        let fire = try AgencyKeyring.generate(agency: "fire", created: Self.created).currentPublicKey
        let council = try AgencyKeyring.generate(agency: "council-asb", created: Self.created).currentPublicKey
        let id = UUID()
        let toFire = try AnswerSealer.seal("01632 960123", response: id, question: "phone", to: [fire]).text
        let toBoth = try AnswerSealer.seal("01632 960123", response: id, question: "phone", to: [fire, council]).text
        let validator = AnswerValidator(form: form, today: "2026-12-04")
        #expect(throws: Never.self) { try validator.validate(["agency": .list(["fire_rescue"]), "phone": .text(toFire)]).get() }
        #expect(throws: Never.self) { try validator.validate(["agency": .list(["fire_rescue", "council"]), "phone": .text(toBoth)]).get() }
        for (answers, expected) in [
            (["agency": .list(["fire_rescue"]), "phone": .text("01632 960123")], "must arrive sealed"),
            (["agency": .list(["fire_rescue", "council"]), "phone": .text(toFire)], "enter it again"),
            (["agency": .list(["other"]), "phone": .text(toFire)], "No agency was chosen"),
        ] as [(Answers, String)] {
            let problems = try #require(validator.validate(answers).failure)
            #expect(problems.problems.map(\.question) == ["phone"])
            #expect(problems.problems[0].message.contains(expected) || expected == "must arrive sealed" && problems.problems[0].message.contains("never as plain text"))
        }
        var atTheDoor = validator
        atTheDoor.sealedAnswers = .plain
        #expect(throws: Never.self) { try atTheDoor.validate(["agency": .list(["fire_rescue"]), "phone": .text("01632 960123")]).get() }
        #expect(atTheDoor.validate(["agency": .list(["fire_rescue"]), "phone": .text("not a phone")]).failure != nil)
        #expect(form.sealingAgencies(for: "phone", given: ["agency": .list(["council", "fire_rescue", "other"])]) == ["fire", "council-asb"])
    }

    @Test("The form checker refuses routes that would leak or cannot be checked")
    func checkerRules() {
        func faults(_ yaml: String) -> [String] {
            do {
                _ = try FormDefinition.parse(yaml: yaml)
                return []
            } catch {
                return error.faults
            }
        }
        #expect(faults(Self.form).isEmpty)
        #expect(faults(Self.form.replacingOccurrences(of: "    sensitive: true\n", with: "")).contains { $0.contains("mark it sensitive") })
        #expect(faults(Self.form.replacingOccurrences(of: "council: council-asb", with: "council: Council")).contains { $0.contains("agency id") })
        #expect(faults(Self.form.replacingOccurrences(of: "fire_rescue: fire,", with: "fire: fire,")).contains { $0.contains("not a choice") })
        #expect(faults(Self.form.replacingOccurrences(of: "label: When?", with: "label: When?\n    relevant: string-length(${phone}) > 3")).contains { $0.contains("reads sealed answer 'phone'") })
        #expect(faults(Self.form.replacingOccurrences(of: "retention: 12 months", with: "retention: a year")).contains { $0.contains("retention 'a year'") })
    }
}
