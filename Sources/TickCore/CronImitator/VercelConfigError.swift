/// A `vercel.json` that Vercel would reject, listing every rule it breaks:
/// `vercel.json: crons[0].schedule "0 9 * * MON": named days are not allowed by Vercel; use 1`.
///
/// Always exit code 78 (``TickExitCode/config``).
public struct VercelConfigError: TickError, Equatable {
    /// The file, as given.
    public let file: String
    /// One sentence per broken rule, each naming the entry and the rule.
    public let problems: [String]

    /// Makes an error.
    /// - Parameters:
    ///   - file: the file, as given.
    ///   - problems: one sentence per broken rule.
    public init(file: String, problems: [String]) {
        self.file = file
        self.problems = problems
    }

    /// `<file>: <problem>; <problem>…`.
    public var description: String { "\(file): " + problems.joined(separator: "; ") }

    public var exitCode: TickExitCode { .config }
}
