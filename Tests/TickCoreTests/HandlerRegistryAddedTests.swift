import Logging
import Synchronization
import Testing
import TickCore  // NOT @testable: the public API your own package uses

/// Swift handlers of your own executable: bound as `HandlerRegistry.added`, seen by every registry
/// `HandlerRegistry.standard` builds in that scope and nowhere else; `HandlerProgress` reaches its sink.
struct HandlerRegistryAddedTests {
    struct Greet: JobHandler {
        func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome { .done(result: .string("hi")) }
    }

    @Test("bound handlers join the built-ins in standard(), replace a built-in of their name, and are gone after the scope")
    func boundHandlers() async throws {
        var handlers = HandlerRegistry()
        handlers.register("greet", Greet(), itemTimeout: .seconds(7), concurrencyLimit: 2)
        handlers.register("noop", Greet())
        let inside = HandlerRegistry.$added.withValue(handlers) {
            HandlerRegistry.standard(config: nil, environment: [:], queue: nil)
        }
        #expect(inside.names == ["greet", "noop", "sleep"])
        #expect(inside["greet"]?.itemTimeout == .seconds(7))
        #expect(inside["greet"]?.concurrencyLimit == 2)
        #expect((inside["noop"]?.handler as? DeadlineHandler)?.wrapped is Greet, "a Swift handler replaces the built-in of its name")
        let outside = HandlerRegistry.standard(config: nil, environment: [:], queue: nil)
        #expect(outside.names == ["noop", "sleep"])
        #expect(outside["noop"]?.handler is NoopHandler)
    }

    @Test("child tasks see the bound handlers")
    func childTasks() async {
        var handlers = HandlerRegistry()
        handlers.register("greet", Greet())
        let names = await HandlerRegistry.$added.withValue(handlers) {
            await Task { HandlerRegistry.standard(config: nil, environment: [:], queue: nil).names }.value
        }
        #expect(names.contains("greet"))
    }

    struct Slow: JobHandler {
        func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome {
            do { try await Task.sleep(for: .seconds(60)) } catch { return .retryLater(reason: "cancelled", after: nil) }
            return .done(result: nil)
        }
    }

    func context(deadline: Duration, run: Duration = .seconds(3600)) -> HandlerContext {
        let now = ContinuousClock.now
        return HandlerContext(
            jobID: "j", queue: "default", handlerName: "slow", attempt: 1, idempotencyKey: "j:0", deadline: now + deadline,
            deadlineUnixMilliseconds: 0, logger: Logger(label: "test"), runDeadline: now + run)
    }

    @Test("DeadlineHandler leaves a deadline that is the run's own to the run: it does not cancel the handler")
    func runDeadline() async {
        // The deadline has passed: enforced, the 300 ms wait would be cancelled at once and retried as timed out.
        let outcome = await DeadlineHandler(Pause()).handle(.item(index: 0, payload: .null), context: context(deadline: .zero, run: .zero))
        #expect(outcome == .done(result: nil))
    }

    struct Pause: JobHandler {
        func handle(_ input: HandlerInput, context: HandlerContext) async -> HandlerOutcome {
            do { try await Task.sleep(for: .milliseconds(300)) } catch { return .retryLater(reason: "cancelled", after: nil) }
            return .done(result: nil)
        }
    }

    /// The bound is loose on purpose: under `swift test`'s parallel suites on 2 cores a wake-up can come seconds
    /// late (seen: 18 s). Not cancelled, the handler would take its whole 60 s and return `.done`.
    @Test("DeadlineHandler cancels a handler at its deadline: retried later as timed out, long before the handler's 60 s")
    func deadline() async {
        let started = ContinuousClock.now
        let outcome = await DeadlineHandler(Slow()).handle(.item(index: 0, payload: .null), context: context(deadline: .milliseconds(200)))
        let elapsed = started.duration(to: .now)
        guard case .retryLater(let reason, nil) = outcome else {
            Issue.record("expected retryLater, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("timed out"))
        #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(30), "\(elapsed)")
    }

    @Test("DeadlineHandler passes a handler's outcome through when it finishes in time")
    func inTime() async {
        let outcome = await DeadlineHandler(Greet()).handle(.item(index: 0, payload: .null), context: context(deadline: .seconds(5)))
        #expect(outcome == .done(result: .string("hi")))
    }

    @Test("progress reports reach the sink; the default reporter drops them")
    func progress() {
        let updates = Mutex<[HandlerProgress.Update]>([])
        let reporter = HandlerProgress { update in updates.withLock { $0.append(update) } }
        reporter.report(completed: 1, total: 3, message: "one")
        reporter.report(completed: 3)
        #expect(updates.withLock { $0 } == [.init(completed: 1, total: 3, message: "one"), .init(completed: 3)])
        HandlerProgress.ignored.report(completed: 1)
    }
}
