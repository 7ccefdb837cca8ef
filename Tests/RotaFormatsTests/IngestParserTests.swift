import Foundation
import RotaCore
import RotaFormats
import Testing

@Suite("Reading alerts sent over HTTP: rota's JSON, Alertmanager's webhook, PagerDuty's Events API v2")
struct IngestParserTests {
    @Test("rota's own JSON: what is required for each action", arguments: [
        (#"{"summary":"db down","severity":"critical","dedup_key":"db"}"#, true),
        (#"{"summary":"db down","action":"trigger"}"#, true),
        (#"{"action":"resolve","dedup_key":"db"}"#, true),
        (#"{"action":"resolve"}"#, false),
        (#"{"summary":""}"#, false),
        (#"{"summary":"x","severity":"urgent"}"#, false),
        (#"{"summary":42}"#, false),
        (#"{"summary":"x","action":"snooze"}"#, false),
        (#"[1,2]"#, false),
        (#"{"summary": "x""#, false),
    ])
    func generic(_ body: String, _ valid: Bool) {
        if valid {
            #expect((try? IngestParser.generic(Data(body.utf8))) != nil, "\(body)")
        } else {
            #expect(throws: IngestProblem.self) { try IngestParser.generic(Data(body.utf8)) }
        }
    }

    @Test("Alertmanager: one event per alert, keyed by fingerprint, routed by label, severity mapped")
    func alertmanager() throws {
        let body = #"""
            {"version":"4","truncatedAlerts":2,"groupKey":"{}:{alertname=\"Disk\"}","alerts":[
             {"status":"firing","labels":{"alertname":"Disk","service":"db","severity":"page"},"annotations":{"summary":"disk full"},"fingerprint":"a1"},
             {"status":"resolved","labels":{"alertname":"Latency"},"annotations":{},"fingerprint":"b2"}]}
            """#
        let parsed = try IngestParser.alertmanager(Data(body.utf8), serviceLabel: "service")
        #expect(parsed.truncated == 2)
        var disk = IngestEvent(action: .trigger, service: "db", summary: "disk full", details: "alertname: Disk", severity: .critical, dedupKey: "a1")
        disk.labels = ["alertname": "Disk", "service": "db", "severity": "page"]
        var latency = IngestEvent(action: .resolve, service: nil, summary: "Latency", details: "alertname: Latency", severity: .high, dedupKey: "b2")
        latency.labels = ["alertname": "Latency"]
        // One notification's alerts share its groupKey: they join one incident (DESIGN §10).
        disk.groupKey = #"{}:{alertname="Disk"}"#
        latency.groupKey = disk.groupKey
        #expect(parsed.events == [disk, latency])
        #expect(throws: IngestProblem.self) { try IngestParser.alertmanager(Data(#"{"alerts":[{"status":"firing"}]}"#.utf8), serviceLabel: nil) }
        #expect(throws: IngestProblem.self) { try IngestParser.alertmanager(Data(#"{"version":"3","alerts":[]}"#.utf8), serviceLabel: nil) }
    }

    @Test("PagerDuty: severities map, a trigger without a key gets one, errors list every problem", arguments: [
        ("critical", Severity.critical), ("error", .high), ("warning", .low), ("info", .low),
    ])
    func pagerDuty(_ severity: String, _ expected: Severity) throws {
        let body = #"{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"db1","severity":"\#(severity)"}}"#
        let parsed = try IngestParser.pagerDuty(Data(body.utf8))
        #expect(parsed.routingKey == "k")
        #expect(parsed.event.severity == expected)
        #expect(parsed.event.dedupKey?.hasPrefix("rota-") == true)
        #expect(parsed.event.details == "source: db1")
        do {
            _ = try IngestParser.pagerDuty(Data(#"{"event_action":"acknowledge"}"#.utf8))
            Issue.record("an acknowledge without routing_key and dedup_key must be refused")
        } catch {
            #expect(error.errors.count == 2)
        }
    }
}
