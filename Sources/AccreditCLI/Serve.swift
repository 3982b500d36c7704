import AccreditServe
public import ArgumentParser
import Foundation

/// `accredit serve`: a preview server with live reload.
public struct Serve: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Build the site into memory, serve it, and rebuild and reload open pages on every change.",
    discussion: """
      Watches the content folder and the templates folder. A build error keeps the last good site \
      served, with the diagnostics over every page, until the content is fixed. Nothing is written to \
      the output folder. The build cache (--cache) keeps the parsed content files \
      and the overview of the last whole build, so that a start on unchanged content answers at once. Stop \
      with Ctrl-C. Exits 69 when it cannot listen (the port is in use).
      """)

  @OptionGroup public var contentOptions: ContentOptions
  @OptionGroup public var templateOptions: TemplateOptions

  /// The address to bind.
  @Option(help: "The address to listen on; loopback unless you say otherwise.")
  public var host = "127.0.0.1"

  /// The port.
  @Option(help: "The port; 0 picks a free one and prints it.")
  public var port = 8000

  @OptionGroup public var date: DateOptions

  @OptionGroup public var cacheOptions: CacheOptions

  /// Poll for changes instead of asking the kernel.
  @Flag(help: "Poll the folders for changes (for file systems that do not report them, such as some network mounts).")
  public var poll = false

  public init() {}

  public func validate() throws {
    guard (0...65535).contains(port) else { throw ValidationError("port \(port) is not between 0 and 65535") }
  }

  public func run() async throws {
    var options = PreviewServer.Options(
      content: contentOptions.contentURL, contentLabel: contentOptions.content,
      templates: templateOptions.templatesURL, templatesLabel: templateOptions.label, asOf: date.asOf, host: host,
      port: port)
    options.poll = poll
    options.cache = cacheOptions.cache
    let server = PreviewServer(options: options) { Console.standard.err($0) }
    do {
      try await server.run()
    } catch let error as PreviewServer.CannotListen {
      Console.standard.err("accredit: error: \(error)\n")
      throw ExitCode(ExitStatus.unavailable)
    } catch {
      Console.standard.err("accredit: error: \(error)\n")
      throw ExitCode.failure
    }
  }
}
