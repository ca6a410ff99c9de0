import Testing
import TickCore

/// The exit code of `tick cron --once` when invocations fail: the most fundamental failure wins
/// (no response 69, then a refused secret 77, then any other non-2xx 82).
struct CronInvocationErrorTests {
    typealias Failure = CronInvocationError.Failure

    func code(_ failures: [Failure]) -> Int32 { CronInvocationError(failures: failures, invocations: failures.count + 1).exitCode.rawValue }

    @Test func exitCodePrecedence() {
        let down = Failure.noResponse(path: "/down", detail: "Connection refused")
        #expect(code([.status(path: "/a", code: 500)]) == 82)
        #expect(code([.status(path: "/a", code: 307), .status(path: "/b", code: 404)]) == 82)
        #expect(code([.status(path: "/a", code: 500), .status(path: "/b", code: 401)]) == 77)
        #expect(code([.status(path: "/a", code: 403)]) == 77)
        #expect(code([.status(path: "/a", code: 401), down]) == 69)
        #expect(code([down, .status(path: "/b", code: 500)]) == 69)
    }

    @Test func descriptionNamesEachFailureAndWhatToCheck() {
        let error = CronInvocationError(failures: [.status(path: "/broken", code: 500), .status(path: "/moved", code: 307)], invocations: 3)
        #expect(error.description == "2 of 3 cron invocations did not answer 2xx: /broken (HTTP 500), /moved (HTTP 307)")
        let refused = CronInvocationError(failures: [.status(path: "/t", code: 401)], invocations: 1)
        #expect(refused.description.hasPrefix("1 of 1 cron invocations did not answer 2xx: /t (HTTP 401) (the endpoint refused CRON_SECRET"))
        let down = CronInvocationError(failures: [.noResponse(path: "/t", detail: "Connection refused")], invocations: 1)
        #expect(down.description == "1 of 1 cron invocations did not answer 2xx: /t (Connection refused) (is the deployment running at --base-url?)")
    }
}
