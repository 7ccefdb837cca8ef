import ArgumentParser
import Foundation
import Logging
import RotaKit
#if Server
import RotaServer
#endif

extension RotaCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "The HTTP front door: alerts in, acknowledge links, calendar feeds, health and metrics; runs the runner too.",
            discussion: """
            Listens on settings.server.listen (default 127.0.0.1:8080; TLS belongs to a reverse proxy),
            ticks every settings.server.tick_every (default 15s; 0 leaves it to cron) and at once when
            an alert arrives, under the same lock as 'rota tick'. Needs a server secret of 16 bytes or
            more in $ROTA_SERVER_SECRET (or settings.server.secret_env / secret_file). SIGTERM stops
            accepting, finishes requests and deliveries in flight, and exits 0. Examples:
              ROTA_SERVER_SECRET=$(head -c 32 /dev/urandom | base64) rota serve
              rota serve --listen 127.0.0.1:9090
            """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("HOST:PORT to listen on (default: settings.server.listen).", valueName: "address")) var listen: String?

        func run() async throws {
            #if Server
            let logger = { var logger = Logger(label: "rota"); logger.logLevel = .info; return logger }()
            let server = try RotaServer(workspace: try await global.workspace(), listen: listen, logger: logger)
            try await server.run { port in
                logger.notice("listening on port \(port)")
            }
            #else
            throw RotaError.usage("this rota was built without the HTTP server (the lean build); build it with `swift build -c release` (all traits) to run rota serve")
            #endif
        }
    }
}
