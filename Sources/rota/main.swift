import Logging
import RotaCLI

LoggingSystem.bootstrap(StderrLogHandler.init)
await RotaMain.run()
