import CCurl
import Synchronization

/// Many HTTP transfers in flight on one thread, with libcurl's multi interface: connections are reused per
/// host, HTTP/2 streams are multiplexed where the server offers it, and no transfer holds a thread of
/// Swift's cooperative pool.
///
/// Callers `await` ``perform(_:)`` from any task. The driver starts its thread with the first transfer
/// and lets it end after ``idleLinger`` without work, keeping its connections (they live in the multi
/// handle) for the next transfer. Cancelling the calling task aborts its transfer.
final class CurlMultiDriver: Sendable {
    /// How long the thread stays after its last transfer, so back-to-back items reuse it.
    static let idleLinger: Duration = .seconds(2)

    /// `nil` only when libcurl could not make a multi handle (out of memory): every transfer then fails.
    private let multi: CurlMultiHandle?
    private let state = Mutex(State())

    private struct State {
        var nextID: UInt64 = 1
        /// Transfers submitted or about to be, and not yet finished.
        var live: Set<UInt64> = []
        var submitted: [PendingTransfer] = []
        var cancelled: Set<UInt64> = []
        var threadRunning = false
    }

    /// Makes a driver (no thread yet).
    init() {
        multi = CurlMultiHandle()
    }

    /// Performs one transfer and returns its response, whatever the status, or why there is none.
    func perform(_ request: HTTPTransferRequest) async -> HTTPTransferResult {
        guard let multi else { return .failed(TransportError(kind: .local, message: "libcurl could not be initialised")) }
        if Task.isCancelled { return .cancelled }
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.live.insert(id)
            return id
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<HTTPTransferResult, Never>) in
                submit(PendingTransfer(id: id, request: request, continuation: continuation), multi: multi)
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func submit(_ transfer: PendingTransfer, multi: CurlMultiHandle) {
        let startThread = state.withLock { state in
            state.submitted.append(transfer)
            guard !state.threadRunning else { return false }
            state.threadRunning = true
            return true
        }
        guard startThread else {
            multi.wakeup()
            return
        }
        if let code = DetachedThread.start({ self.loop(multi) }) {
            let stranded = state.withLock { state in
                state.threadRunning = false
                let stranded = state.submitted
                state.submitted.removeAll()
                for transfer in stranded { state.live.remove(transfer.id) }
                return stranded
            }
            let error = TransportError(kind: .local, message: "cannot start the HTTP thread (pthread_create: \(code))")
            for transfer in stranded { transfer.continuation.resume(returning: .failed(error)) }
        }
    }

    private func cancel(_ id: UInt64) {
        let wake = state.withLock { state in
            guard state.live.contains(id) else { return false }
            state.cancelled.insert(id)
            return state.threadRunning
        }
        if wake { multi?.wakeup() }
    }

    // MARK: - The driver thread

    private func loop(_ multi: CurlMultiHandle) {
        var active: [UInt64: ActiveTransfer] = [:]
        var byHandle: [UnsafeMutableRawPointer: UInt64] = [:]
        var idleSince = ContinuousClock.now
        while true {
            let taken: (new: [PendingTransfer], cancelled: Set<UInt64>)? = state.withLock { state in
                if active.isEmpty, state.submitted.isEmpty, ContinuousClock.now - idleSince >= Self.idleLinger {
                    state.threadRunning = false
                    return nil
                }
                let taken = (state.submitted, state.cancelled)
                state.submitted.removeAll()
                state.cancelled.removeAll()
                return taken
            }
            guard let taken else { return }

            var unmatched = taken.cancelled
            for pending in taken.new {
                if unmatched.remove(pending.id) != nil {
                    finish(pending.id, pending.continuation, .cancelled)
                    continue
                }
                switch ActiveTransfer.make(pending.request, continuation: pending.continuation) {
                case .success(let transfer):
                    if curl_multi_add_handle(multi.pointer, transfer.easy) == CURLM_OK {
                        active[pending.id] = transfer
                        byHandle[transfer.easy] = pending.id
                    } else {
                        finish(pending.id, pending.continuation, .failed(TransportError(kind: .local, message: "libcurl refused the transfer")))
                    }
                case .failure(let error):
                    finish(pending.id, pending.continuation, .failed(error))
                }
            }
            for id in unmatched {
                guard let transfer = active.removeValue(forKey: id) else { continue }
                byHandle[transfer.easy] = nil
                curl_multi_remove_handle(multi.pointer, transfer.easy)
                finish(id, transfer.continuation, .cancelled)
            }
            // A cancellation that came before its transfer was submitted waits for it.
            let early = unmatched.filter { active[$0] == nil }
            if !early.isEmpty {
                state.withLock { state in
                    for id in early where state.live.contains(id) { state.cancelled.insert(id) }
                }
            }

            var running: Int32 = 0
            curl_multi_perform(multi.pointer, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi.pointer, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let id = byHandle.removeValue(forKey: easy), let transfer = active.removeValue(forKey: id)
                else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi.pointer, easy)
                finish(id, transfer.continuation, transfer.result(code))
            }
            if active.isEmpty {
                if !taken.new.isEmpty || !taken.cancelled.isEmpty { idleSince = .now }
                let left = Self.idleLinger - (ContinuousClock.now - idleSince)
                curl_multi_poll(multi.pointer, nil, 0, Int32(max(1, min(1000, left.milliseconds))), nil)
            } else {
                curl_multi_poll(multi.pointer, nil, 0, 1000, nil)
            }
        }
    }

    private func finish(_ id: UInt64, _ continuation: CheckedContinuation<HTTPTransferResult, Never>, _ result: HTTPTransferResult) {
        state.withLock { state in
            state.live.remove(id)
            state.cancelled.remove(id)
        }
        continuation.resume(returning: result)
    }
}

/// A transfer handed to the driver, not yet started.
private struct PendingTransfer: Sendable {
    let id: UInt64
    let request: HTTPTransferRequest
    let continuation: CheckedContinuation<HTTPTransferResult, Never>
}

/// The multi handle. Only the driver's thread uses it, except ``wakeup()``, which libcurl makes thread-safe.
private final class CurlMultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    init?() {
        guard CurlGlobal.initialised, let pointer = curl_multi_init() else { return nil }
        self.pointer = pointer
        _ = tick_curl_multi_setopt_long(pointer, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    deinit { curl_multi_cleanup(pointer) }

    func wakeup() { curl_multi_wakeup(pointer) }
}
