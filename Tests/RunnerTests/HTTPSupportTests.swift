import Testing
import TickTestSupport

@testable import TickCore

/// The http handler's rate limiter (over in-memory rate windows) and its request signer.
@Suite struct HTTPSupportTests {
    @Test func permitsComeInChunksAndTheWindowIsSharedAcrossRuns() async {
        let store = InMemoryRateWindows()
        // Wall time starts on a minute's first millisecond, so the 60 s window cannot end under the test however
        // slowly a loaded machine runs it (with the machine's clock it ended mid-test once a minute's end was near).
        let clock = TestClock(start: 1_767_225_600_000)
        let rate = HTTPHandler.Configuration.Rate(requests: 3, period: .seconds(60))
        let first = HTTPRateLimiter(store: store, name: "hook", rate: rate, chunk: 3, clock: clock)
        // A deadline well before most windows end (so .later, not a wait), yet past a scheduling stall of a loaded machine.
        let soon = ContinuousClock.now.advanced(by: .seconds(1))
        for _ in 0..<3 { #expect(await first.acquire(deadline: soon) == .granted) }
        #expect(await store.reservations == 1, "three permits in one reservation")
        guard case .later(let wait) = await first.acquire(deadline: soon) else {
            Issue.record("the fourth request in the window must wait for the next one")
            return
        }
        #expect(wait > .zero && wait <= .seconds(60))
        let second = HTTPRateLimiter(store: store, name: "hook", rate: rate, chunk: 3, clock: clock)
        guard case .later = await second.acquire(deadline: soon) else {
            Issue.record("another run shares the used-up window")
            return
        }
    }

    @Test func signsWithHS256OverTheURLBodyAndKey() {
        let signer = HTTPSigner(key: Secret(String(repeating: "k", count: 32)))
        let token = signer.token(
            url: "https://app.example.com/api/tick", body: Array(#"{"item":1}"#.utf8), now: 1_767_225_600, id: "0123456789abcdef",
            idempotencyKey: "job-1:0")
        // Computed independently with Python's hmac, hashlib and json (sorted keys, no spaces).
        let expected =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJib2R5IjoiaXBEeXRna0lIcTh1YjlOUGhRRnZhb1pjdEJ2cHhXNG9nOFBENXdPRnpyMCIsImV4cCI6MTc2NzIyNTkwMCwiaWF0IjoxNzY3MjI1NjAwLCJpc3MiOiJ0aWNrIiwianRpIjoiMDEyMzQ1Njc4OWFiY2RlZiIsImtleSI6ImpvYi0xOjAiLCJuYmYiOjE3NjcyMjU2MDAsInN1YiI6Imh0dHBzOi8vYXBwLmV4YW1wbGUuY29tL2FwaS90aWNrIn0.elM6NyxNKU1SdtLDxiRrIAnmvS0_LdOPElNJXmzL1t8"
        #expect(token == expected)
        let other = signer.token(
            url: "https://app.example.com/api/tick", body: Array(#"{"item":1}"#.utf8), now: 1_767_225_600, id: "0123456789abcdef",
            idempotencyKey: "job-1:1")
        #expect(other != token, "the idempotency key is signed")
    }
}
