import Foundation
import Testing
import TickCore

/// Every exit code is documented from one source, ``TickExitCode``: README.md's table must be exactly the one the
/// enum renders (`tick --help` lists the codes from the same enum).
@Suite("exit codes are documented from the enum")
struct ExitCodeDocsTests {
    @Test("README.md holds the exit-code table TickExitCode renders, every code included")
    func readmeTable() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        #expect(text.contains(TickExitCode.markdownTable + "\n"), "paste TickExitCode.markdownTable into README.md:\n\(TickExitCode.markdownTable)")
        for code in TickExitCode.allCases {
            #expect(TickExitCode.helpList.contains(" \(code.rawValue)  \(code.summary)"))
        }
        #expect(TickExitCode.helpList.contains("82  tick cron"))
    }
}
