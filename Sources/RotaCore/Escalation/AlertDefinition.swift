/// What an open alert escalates by when the rota files lose part of it (an empty or cut-short
/// file, an edit mid-incident): the escalation it had and the contacts of the people it may
/// page, kept with the alert. Pure: the runner stores and reads it.
public enum AlertDefinition {
    /// The part of `rota` an alert escalating by `policy` needs: the policy and everyone it may
    /// page (people named by its levels, and members and planned covers of its schedules), with
    /// webhook addresses reduced. A person whose contacts vanished keeps those in `kept`.
    public static func capture(_ policy: EscalationPolicy, from rota: Rota, keeping kept: Rota? = nil) -> Rota {
        var ids: [String] = []
        func add(_ id: String) { if !ids.contains(id) { ids.append(id) } }
        for target in policy.levels.flatMap(\.targets) {
            switch target {
            case .person(let id): add(id)
            case .schedule(let id):
                guard let schedule = rota.schedule(id) else { continue }
                for member in schedule.layers.flatMap(\.members) { add(member) }
                for cover in schedule.overrides { add(cover.person) }
            }
        }
        let people = ids.compactMap { id -> Person? in
            let now = rota.person(id)
            let before = kept?.person(id)
            guard var person = now ?? before else { return nil }
            if person.contacts.isEmpty, let before { person.contacts = before.contacts }
            person.contacts = person.contacts.map { $0.reduced() }
            return person
        }
        return Rota(settings: Settings(zone: rota.settings.zone), people: people, escalations: [policy])
    }

    /// The policy to escalate by, and a line for the alert's log when it is not the files' own:
    /// the files' policy while it has every level the kept one had, else the kept one.
    public static func choose(current: EscalationPolicy?, kept: EscalationPolicy?, id: String) -> (policy: EscalationPolicy?, note: String?) {
        switch (current, kept) {
        case (let current?, let kept?) where current.levels.count < kept.levels.count:
            let lost = current.levels.count + 1 == kept.levels.count ? "level \(kept.levels.count)" : "levels \(current.levels.count + 1)–\(kept.levels.count)"
            return (kept, "escalation '\(id)' lost \(lost) from the rota files; escalating by the definition this alert had")
        case (let current?, _):
            return (current, nil)
        case (nil, let kept?):
            return (kept, "escalation '\(id)' is no longer in the rota files; escalating by the definition this alert had")
        case (nil, nil):
            return (nil, nil)
        }
    }

    /// The contacts to page `person` through: the files' while the person is there with at least
    /// one contact, else the ones kept with the alert (with a line for the log).
    public static func contacts(of person: String, in rota: Rota, kept: Rota?) -> (contacts: [Contact], note: String?) {
        if let now = rota.person(person), !now.contacts.isEmpty { return (now.contacts, nil) }
        if let before = kept?.person(person), !before.contacts.isEmpty {
            let why = rota.person(person) == nil ? "is no longer in the rota files" : "has no contacts left in the rota files"
            return (before.contacts, "\(person) \(why); paging through the contacts \(person) had")
        }
        return ([], nil)
    }
}
