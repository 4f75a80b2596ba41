/// An answer sealed on the laptop to the public keys of the agencies it is routed to: what the
/// laptop, the server, organisers' pulls and exports hold in place of the plain value.
///
/// It travels and is stored as text, so merge, history and erasure treat it like any answer:
///
///     sealed1:fire.<key id>.<enc>.<ciphertext>;council-asb.<key id>.<enc>.<ciphertext>
///
/// One HPKE (X25519, HKDF-SHA256, ChaCha20-Poly1305) ciphertext per agency, `enc` being its
/// encapsulated key (32 bytes), both in standard base64; the key id names which of the agency's
/// keys it was sealed to (``keyIDLength`` hex digits). This type only reads and writes that shape;
/// sealing and opening are `DoorstepSealing`'s.
public struct SealedAnswer: Sendable, Hashable {
    /// One agency's copy of the answer.
    public struct Recipient: Sendable, Hashable {
        /// The agency id (``AgencyID``).
        public var agency: String
        /// Which of the agency's keys: the first bytes of the SHA-256 of its public key, in hex.
        public var keyID: String
        /// HPKE's encapsulated key.
        public var encapsulatedKey: [UInt8]
        /// The answer's UTF-8 text sealed with HPKE, tag included.
        public var ciphertext: [UInt8]

        public init(agency: String, keyID: String, encapsulatedKey: [UInt8], ciphertext: [UInt8]) {
            self.agency = agency
            self.keyID = keyID
            self.encapsulatedKey = encapsulatedKey
            self.ciphertext = ciphertext
        }
    }

    /// The agencies' copies, in the order they were sealed; one per agency.
    public var recipients: [Recipient]

    public init(recipients: [Recipient]) {
        self.recipients = recipients
    }

    /// The text's first characters.
    public static let prefix = "sealed1:"
    /// Hex digits in a key id.
    public static let keyIDLength = 16
    /// Bytes of an X25519 encapsulated key.
    public static let encapsulatedKeyLength = 32
    /// Bytes a ciphertext adds to the text: ChaCha20-Poly1305's tag.
    public static let tagLength = 16

    /// Whether `text` looks sealed at all (starts with ``prefix``); ``init(text:)`` says whether it is well-formed.
    public static func looksSealed(_ text: String) -> Bool {
        text.hasPrefix(prefix)
    }

    /// Reads a sealed answer; `nil` when `text` is not a well-formed one (a bad prefix, an agency
    /// twice, a malformed id, key or ciphertext).
    public init?(text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let body = text.dropFirst(Self.prefix.count)
        var recipients: [Recipient] = []
        for part in body.split(separator: ";", omittingEmptySubsequences: false) {
            let fields = part.split(separator: ".", omittingEmptySubsequences: false)
            guard fields.count == 4 else { return nil }
            let agency = String(fields[0]), keyID = String(fields[1])
            guard AgencyID.isValid(agency), Self.isKeyID(keyID),
                  let enc = Base64.decode(fields[2]), enc.count == Self.encapsulatedKeyLength,
                  let ciphertext = Base64.decode(fields[3]), ciphertext.count >= Self.tagLength,
                  !recipients.contains(where: { $0.agency == agency })
            else { return nil }
            recipients.append(Recipient(agency: agency, keyID: keyID, encapsulatedKey: enc, ciphertext: ciphertext))
        }
        guard !recipients.isEmpty else { return nil }
        self.recipients = recipients
    }

    /// The text stored and sent.
    public var text: String {
        Self.prefix + recipients.map { recipient in
            "\(recipient.agency).\(recipient.keyID).\(Base64.encode(recipient.encapsulatedKey)).\(Base64.encode(recipient.ciphertext))"
        }.joined(separator: ";")
    }

    /// The agencies it is sealed to, in order.
    public var agencies: [String] { recipients.map(\.agency) }

    /// The copy sealed to `agency`, if any.
    public func recipient(_ agency: String) -> Recipient? {
        recipients.first { $0.agency == agency }
    }

    /// Whether `text` is a key id: ``keyIDLength`` lower-case hex digits.
    public static func isKeyID(_ text: String) -> Bool {
        text.utf8.count == keyIDLength && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }

    /// What additional data a sealed answer is bound to, so that a copy moved to another response
    /// or question does not open: `doorstep-answer/v1/<response id>/<question name>`.
    public static func boundData(response: String, question: String) -> [UInt8] {
        Array("doorstep-answer/v1/\(response.lowercased())/\(question)".utf8)
    }
}

/// Standard base64 with padding, without Foundation.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 2 < bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let n = UInt32(bytes[index]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of canonical padded base64 text; `nil` for anything else.
    static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        let input = Array(text.utf8)
        guard !input.isEmpty, input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let last = index + 4 == input.count
            let padding = last ? (input[index + 3] == UInt8(ascii: "=") ? (input[index + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var n: UInt32 = 0
            for offset in 0..<4 {
                let byte = input[index + offset]
                if offset >= 4 - padding {
                    n <<= 6
                    continue
                }
                let value = values[Int(byte)]
                guard value != 0xFF else { return nil }
                n = n << 6 | UInt32(value)
            }
            out.append(UInt8(n >> 16 & 0xFF))
            if padding < 2 { out.append(UInt8(n >> 8 & 0xFF)) }
            if padding < 1 { out.append(UInt8(n & 0xFF)) }
            index += 4
        }
        // Canonical only: unused bits of the last group are zero.
        guard encode(out) == String(decoding: input, as: UTF8.self) else { return nil }
        return out
    }
}
