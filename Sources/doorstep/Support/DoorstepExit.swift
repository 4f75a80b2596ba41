import ArgumentParser
import DoorstepCore
import DoorstepStore
import DoorstepXLSForm
import Foundation

/// The exit codes of `doorstep`, from sysexits(3) (<https://man.freebsd.org/cgi/man.cgi?sysexits>).
enum DoorstepExit: Int32, Sendable {
    /// Done.
    case success = 0
    /// Anything not listed below.
    case failure = 1
    /// Bad usage: an unknown flag, a missing argument, a home or file that cannot be used (EX_USAGE).
    case usage = 64
    /// Bad data: invalid answers, a bad form or walk list, an unknown id (EX_DATAERR).
    case dataError = 65
    /// The server cannot be reached (EX_UNAVAILABLE).
    case unavailable = 69
    /// Try again later: the server or the store is busy, the network is down (EX_TEMPFAIL).
    case tryLater = 75
    /// Not allowed: a bad or revoked token, a role without the right (EX_NOPERM).
    case notAllowed = 77
}

/// An error that knows its exit code. Errors of other targets conform in an extension here or
/// next to the commands that throw them, so the mapping stays in one place per error type.
protocol ExitCodeProviding: Error {
    /// The code `doorstep` exits with.
    var exitCode: DoorstepExit { get }
    /// What goes to stderr: one sentence, or one line per problem.
    var messageLines: [String] { get }
}

/// An error raised by a command itself: its exit code and its message lines.
struct CLIError: ExitCodeProviding, CustomStringConvertible {
    var exitCode: DoorstepExit
    var messageLines: [String]

    init(_ exitCode: DoorstepExit, _ message: String) {
        self.exitCode = exitCode
        messageLines = [message]
    }

    init(_ exitCode: DoorstepExit, lines: [String]) {
        self.exitCode = exitCode
        messageLines = lines
    }

    var description: String { messageLines.joined(separator: "\n") }
}

extension ClientStoreError: ExitCodeProviding {
    var exitCode: DoorstepExit {
        switch self {
        case .homeUnusable: .usage
        case .unknownForm, .formVersionExists, .unknownCampaign, .campaignExists, .unknownAddress,
             .unknownResponse, .responseErased, .unknownDraft, .unknownOperation, .notDiscardable,
             .ambiguousID, .addressExists, .invalidAddress: .dataError
        case .draftExists: .usage
        case .epochMismatch, .busy: .tryLater
        case .corrupt, .database: .failure
        }
    }

    var messageLines: [String] { [description] }
}

extension IDLookupError: ExitCodeProviding {
    /// A prefix that names nothing is an unknown id (65), like a whole id; one that cannot name a
    /// single record is bad usage (64).
    var exitCode: DoorstepExit {
        switch self {
        case .noMatch: .dataError
        case .notAnID, .tooShort, .ambiguous: .usage
        }
    }

    var messageLines: [String] { [description] }
}

extension FormError: ExitCodeProviding {
    var exitCode: DoorstepExit { .dataError }
    var messageLines: [String] { faults }
}

extension XLSFormError: ExitCodeProviding {
    var exitCode: DoorstepExit { .dataError }
    var messageLines: [String] { [description] }
}

extension WalkListError: ExitCodeProviding {
    var exitCode: DoorstepExit { .dataError }
    var messageLines: [String] { problems.map(\.description) }
}

extension AnswerProblems: ExitCodeProviding {
    var exitCode: DoorstepExit { .dataError }
    var messageLines: [String] { problems.map(\.description) }
}

extension DoorstepExit {
    /// Prints `error` to stderr as the user should read it and exits with its code. Errors of
    /// the argument parser (usage, `--help`, `--version`) keep the parser's own output and codes.
    static func exit(with error: any Error) -> Never {
        guard let known = (error as? any ExitCodeProviding) ?? ClientStoreError(databaseError: error) else {
            Doorstep.exit(withError: error)
        }
        for line in known.messageLines { Console.error(line) }
        Foundation.exit(known.exitCode.rawValue)
    }
}
