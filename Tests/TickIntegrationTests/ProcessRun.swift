import Foundation

/// A finished process: its exit status and what it wrote.
struct ProcessOutput: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `binary` until it exits and returns its status and output, waiting on a thread of its own
/// (``offPool(_:)``). The parameters are those of ``runProcessBlocking(_:_:environment:directory:stdin:killAfter:)``.
func runProcess(
    _ binary: String, _ arguments: [String], environment: [String: String],
    directory: URL = FileManager.default.temporaryDirectory, stdin: String? = nil, killAfter: TimeInterval? = nil
) async throws -> ProcessOutput {
    try await offPool {
        try runProcessBlocking(binary, arguments, environment: environment, directory: directory, stdin: stdin, killAfter: killAfter)
    }
}

/// Runs `binary` until it exits and returns its status and output, blocking the calling thread: for a thread
/// of the test's own (``runConcurrently(_:_:)``), never for a task. Standard error is read on another
/// thread while standard output is read here, so neither pipe can fill up and stall the child.
/// - Parameters:
///   - binary: the executable's path.
///   - arguments: its arguments.
///   - environment: its whole environment.
///   - directory: its working directory (the temporary directory by default).
///   - stdin: what it reads on standard input; nothing (end of file) by default.
///   - killAfter: SIGKILL it if it is still running after this long.
func runProcessBlocking(
    _ binary: String, _ arguments: [String], environment: [String: String],
    directory: URL = FileManager.default.temporaryDirectory, stdin: String? = nil, killAfter: TimeInterval? = nil
) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = directory
    let out = Pipe()
    let err = Pipe()
    let input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    var killer: DispatchWorkItem?
    if let killAfter {
        let work = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + killAfter, execute: work)
        killer = work
    }
    let stderrRead = DispatchGroup()
    nonisolated(unsafe) var stderr = Data()
    stderrRead.enter()
    DispatchQueue.global().async {
        stderr = err.fileHandleForReading.readDataToEndOfFile()
        stderrRead.leave()
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    stderrRead.wait()
    process.waitUntilExit()
    killer?.cancel()
    return ProcessOutput(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}
