import Dispatch
import Foundation
import Synchronization

/// SIGTERM (or SIGINT) while pages go out: claim nothing more, let deliveries in flight finish
/// (each bounded by its timeout), record them, and leave. Installed only around deliveries;
/// elsewhere the signals keep their default, and an interrupted transaction simply rolls back.
final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    init() {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            return source
        }
        for source in sources {
            source.setEventHandler { [self] in request() }
            source.resume()
        }
    }

    private func request() {
        if !flag.exchange(true, ordering: .relaxed) {
            Console.error("rota: stopping: no more pages are claimed; deliveries in flight finish and are recorded")
        }
    }

    var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Puts the default handling back (a second signal then ends rota at once).
    func uninstall() {
        for source in sources { source.cancel() }
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }
}
