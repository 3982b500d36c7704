public import ArgumentParser
import AccreditSite

/// `accredit`: the root command.
public struct Accredit: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "accredit",
    abstract: "Evaluate a partner program's accreditation standards and publish them as a static site.",
    discussion: """
      Exit codes: 0 success; 1 content errors (or warnings with check --strict); 2 changes --fail-on \
      matched; 64 bad usage (an unknown option, an impossible date, a missing folder, a bad slug or case id \
      for new, build into a folder that is not a site's); 69 serve cannot listen (the port is in use), or \
      build cannot run Pagefind for the search index (--search, or search: true in site.yaml); 73 build \
      could not write the site; 75 build --no-wait found another build writing the output folder.
      """,
    version: AccreditVersion.current,
    subcommands: [
      Build.self, Check.self, Serve.self, New.self, Changes.self, Upcoming.self, GenerateFixture.self,
      BenchmarkRender.self,
    ]
  )

  public init() {}
}

/// The exit statuses other than 0, 1, 2 and ArgumentParser's 64 (bad usage), as in `sysexits.h`.
public enum ExitStatus {
  /// `EX_USAGE`, as swift-argument-parser exits on bad usage: also `build` into a folder it must never
  /// write (the content folder, a git repository, a home folder…).
  public static let usage: Int32 = 64
  /// `EX_UNAVAILABLE`: `serve` cannot listen on its address (the port is in use, say), or `build --search`
  /// cannot run Pagefind.
  public static let unavailable: Int32 = 69
  /// `EX_CANTCREAT`: a file or folder of the site could not be written.
  public static let cannotWrite: Int32 = 73
  /// `EX_TEMPFAIL`: another build holds the output folder and `--no-wait` was given.
  public static let busy: Int32 = 75
}

/// The entry point the `accredit` executable calls.
public enum AccreditMain {
  /// Parses the command line and runs the command, asynchronously.
  public static func run() async {
    await Accredit.main(nil)
  }
}
