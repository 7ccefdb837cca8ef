import ArgumentParser
import Foundation
import RotaConfig
import RotaCore

/// The options every command takes (DESIGN.md §4).
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("rotas"), help: ArgumentHelp("The rotas directory (default: $ROTA_DIR, else ./rotas).", valueName: "dir"))
    var rotasDirectory: String?

    @Option(name: .customLong("db"), help: ArgumentHelp("The state database (default: $ROTA_DB, else ~/.local/state/rota/rota.db).", valueName: "path"))
    var database: String?

    @Option(name: .customLong("now"), help: ArgumentHelp("The clock, for dry runs, replays and tests (default: $ROTA_NOW, else the system clock).", valueName: "time"))
    var now: String?

    @Option(name: .customLong("tz"), help: ArgumentHelp("Zone for times typed without an offset (default: settings.timezone).", valueName: "zone"))
    var zone: String?

    @Flag(name: .customLong("json"), help: "Machine output on stdout (instants in UTC).")
    var json = false
}

/// What a command runs with: the environment read once, the rota loaded once, the clock fixed once.
struct CommandContext {
    let options: GlobalOptions
    let environment: [String: String]
    let loaded: LoadedRota
    /// The one clock of this run.
    let now: Date
    /// Zone for times typed without an offset.
    let inputZone: Zone

    var rota: Rota { loaded.rota }
    var rotasDirectory: String { CommandContext.rotasDirectory(options, environment) }

    static func rotasDirectory(_ options: GlobalOptions, _ environment: [String: String]) -> String {
        options.rotasDirectory ?? environment["ROTA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "rotas"
    }

    /// Loads the rotas directory; invalid files are exit 65 with every problem on stderr.
    init(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.options = options
        self.environment = environment
        switch RotaLoader.load(directory: CommandContext.rotasDirectory(options, environment)) {
        case .success(let loaded):
            self.loaded = loaded
        case .failure(let failure):
            Console.error(failure.description)
            throw RotaFailure.invalidData("the rota files are invalid (\(failure.diagnostics.count) problem(s)); run 'rota validate'")
        }
        if let name = options.zone {
            guard let zone = Zone(identifier: name) else {
                throw RotaFailure.usage("--tz '\(name)' is not an IANA time zone (e.g. Europe/Paris, UTC)")
            }
            inputZone = zone
        } else {
            inputZone = loaded.rota.settings.zone
        }
        if let text = options.now ?? environment["ROTA_NOW"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let parsed = TimeText.parse(text) else {
                throw RotaFailure.usage("--now '\(text)' is not a time; write e.g. 2026-03-29T02:30:00Z or 2026-03-29T02:30")
            }
            now = parsed.instant(in: inputZone)
        } else {
            now = Date()
        }
    }

    /// A time typed on the command line.
    func time(_ text: String, flag: String) throws -> Date {
        guard let parsed = TimeText.parse(text) else {
            throw RotaFailure.usage("\(flag) '\(text)' is not a time; write e.g. 2026-03-29T02:30:00Z, 2026-03-29T02:30+02:00, 2026-03-29T02:30 or 2026-03-29")
        }
        return parsed.instant(in: inputZone)
    }

    func schedule(_ id: String) throws -> Schedule {
        guard let schedule = rota.schedule(id) else {
            throw RotaFailure.notFound("no schedule '\(id)'; known: \(rota.schedules.map(\.id).joined(separator: ", "))")
        }
        return schedule
    }

    func person(_ id: String) throws -> Person {
        guard let person = rota.person(id) else {
            throw RotaFailure.notFound("no person '\(id)' in the rota files")
        }
        return person
    }

    /// The person whose `login` is $USER (or the unix user).
    func me() throws -> Person {
        let login = environment["USER"] ?? environment["LOGNAME"] ?? NSUserName()
        guard let person = rota.person(login: login) else {
            throw RotaFailure.notFound("no person has login '\(login)'; add 'login: \(login)' to your entry under people, or use --person")
        }
        return person
    }

    /// Schedule engines for every schedule (leave and CLI overrides come with the store).
    func engine(for schedule: Schedule) -> ScheduleEngine {
        ScheduleEngine(schedule: schedule)
    }

    func print(json: JSONValue) {
        var bytes: [UInt8] = []
        json.write(to: &bytes)
        Console.out(bytes: bytes)
    }
}

/// Wall times for people: `Mon 30 Nov 09:00 CET`.
enum HumanTime {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    static func format(_ instant: Date, in zone: Zone, year: Bool = false) -> String {
        let wall = zone.wall(at: instant)
        let date = wall.date
        var text = "\(days[date.weekday.rawValue]) \(date.day < 10 ? "0" : "")\(date.day) \(months[date.month - 1])"
        if year { text += " \(date.year)" }
        let hour = wall.hour < 10 ? "0\(wall.hour)" : "\(wall.hour)"
        let minute = wall.minute < 10 ? "0\(wall.minute)" : "\(wall.minute)"
        return text + " \(hour):\(minute) \(zone.label(at: instant))"
    }
}
