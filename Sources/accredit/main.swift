import AccreditCLI

await AccreditMain.run()
