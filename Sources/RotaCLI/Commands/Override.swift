import ArgumentParser
import Foundation
import RotaFormats
import RotaKit

extension RotaCommand {
    struct OverrideGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "override",
            abstract: "Manual cover: someone takes a schedule for a while, beating every layer.",
            subcommands: [Add.self, List.self, Remove.self]
        )
    }
}
