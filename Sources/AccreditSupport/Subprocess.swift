import Foundation

/// Runs a program and waits for it: for the few tools accredit calls (git, Pagefind).
public enum Subprocess {
  /// What a run printed and how it ended.
  public struct Outcome: Sendable {
    /// The exit status.
    public let status: Int32
    /// Standard output, with standard error after it when `errors` asked for it.
    public let output: String
  }

  /// Runs `arguments[0]`, found on the `PATH`, with the rest as its arguments. With `errors`, standard
  /// error goes into the output too; without, it is dropped. Throws when the program cannot be started.
  public static func run(_ arguments: [String], environment: [String: String]? = nil, errors: Bool = true) throws
    -> Outcome
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = errors ? pipe : FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return Outcome(status: process.terminationStatus, output: output)
  }
}
