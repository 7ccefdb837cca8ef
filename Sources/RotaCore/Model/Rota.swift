/// Settings shared by every rota file.
public struct Settings: Hashable, Sendable {
    public var zone: Zone
    public var emailFrom: String?
    public var sendmail: [String]
    public var webhookSecretEnv: String
    public var webhookSecretFile: String?
    public var daytimeFrom: LocalTime
    public var daytimeTo: LocalTime
    /// How long a `command` contact may run before its process group is killed, in seconds.
    public var commandTimeout: Int
    /// How long a webhook request may take in all, in seconds.
    public var webhookTimeout: Int
    /// "Your shift starts in …": how long before a shift, in seconds (nil: no such notice).
    public var noticeBefore: Int?
    /// "Your next 7 days changed" after an override, swap or leave.
    public var noticeChanges: Bool
    public var server: ServerSettings
    /// Who is paged when rota itself needs a human (DESIGN §15): a page failed for good, the
    /// rota files invalid for 10 minutes, the runner stale.
    public var admins: [Target] = []
    /// Who counts as an executive in the response report (DESIGN §12); empty: each chain's last level.
    public var executives: [Target] = []
    /// `settings.gateways.slack` (DESIGN §13): the Slack app that posts pages and takes clicks.
    public var slack: SlackGateway?
    /// `settings.gateways.twilio` (DESIGN §13): SMS and voice through a Twilio-compatible API.
    public var twilio: TwilioGateway?

    public init(zone: Zone = .utc, emailFrom: String? = nil,
                sendmail: [String] = ["/usr/sbin/sendmail", "-oi", "--"],
                webhookSecretEnv: String = "ROTA_WEBHOOK_SECRET", webhookSecretFile: String? = nil,
                daytimeFrom: LocalTime = LocalTime(hour: 8, minute: 0),
                daytimeTo: LocalTime = LocalTime(hour: 20, minute: 0), commandTimeout: Int = 30, webhookTimeout: Int = 15, noticeBefore: Int? = nil, noticeChanges: Bool = false,
                server: ServerSettings = ServerSettings()) {
        self.server = server
        self.zone = zone
        self.emailFrom = emailFrom
        self.sendmail = sendmail
        self.webhookSecretEnv = webhookSecretEnv
        self.webhookSecretFile = webhookSecretFile
        self.daytimeFrom = daytimeFrom
        self.daytimeTo = daytimeTo
        self.commandTimeout = commandTimeout
        self.webhookTimeout = webhookTimeout
        self.noticeBefore = noticeBefore
        self.noticeChanges = noticeChanges
    }
}

/// Everything the rota files say, merged.
public struct Rota: Hashable, Sendable {
    public var settings: Settings
    public var holidays: [LocalDate]
    public var people: [Person]
    public var schedules: [Schedule]
    public var escalations: [EscalationPolicy]
    public var services: [Service]
    public var integrations: [Integration]
    public var heartbeats: [Heartbeat]
    public var surges: [Surge]
    /// Scheduled drills (DESIGN §12).
    public var drills: [Drill] = []

    public init(settings: Settings = Settings(), holidays: [LocalDate] = [], people: [Person] = [],
                schedules: [Schedule] = [], escalations: [EscalationPolicy] = [], services: [Service] = [],
                integrations: [Integration] = [], heartbeats: [Heartbeat] = [], surges: [Surge] = []) {
        self.surges = surges
        self.integrations = integrations
        self.heartbeats = heartbeats
        self.settings = settings
        self.holidays = holidays
        self.people = people
        self.schedules = schedules
        self.escalations = escalations
        self.services = services
    }

    public func person(_ id: String) -> Person? { people.first { $0.id == id } }
    public func schedule(_ id: String) -> Schedule? { schedules.first { $0.id == id } }
    public func escalation(_ id: String) -> EscalationPolicy? { escalations.first { $0.id == id } }
    public func service(_ id: String) -> Service? { services.first { $0.id == id } }
    public func integration(_ id: String) -> Integration? { integrations.first { $0.id == id } }
    public func heartbeat(_ id: String) -> Heartbeat? { heartbeats.first { $0.id == id } }
    public func person(login: String) -> Person? { people.first { $0.login == login } }

    /// The public holidays that apply to a schedule: the rota's list and the schedule's own.
    public func holidays(of schedule: String) -> Set<LocalDate> {
        Set(holidays).union(self.schedule(schedule)?.holidays ?? [])
    }
}
