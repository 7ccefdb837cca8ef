import RotaCLI
await RotaMain.run()
