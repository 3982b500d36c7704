import AccreditCLI
import AccreditContent
import AccreditEngine
import AccreditFixtures
import AccreditSite
import ArgumentParser
import Foundation
import Synchronization
import Testing

/// Content from untrusted pull requests, killed builds and builds that meet in one folder (issue 12).
@Suite("Hardening: the content folder is a jail")
struct JailTests {
  /// A valid content folder with one partner and one FAQ entry, and a secret file beside it.
  private func makeContent(in folder: URL) throws -> (content: URL, secret: URL) {
    let content = folder.appendingPathComponent("content")
    var files = Tree(["partners/p.yaml": healthyPartner, "faq/one.md": "---\nquestion: One?\n---\nAnswer.\n"]).files
    files["pages/about.md"] = "---\ntitle: About\n---\nText.\n"
    for (path, text) in files {
      let url = content.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
    let secret = folder.appendingPathComponent("secret.md")
    try Data("---\nquestion: TOP-SECRET-TOKEN\n---\nTOP-SECRET-TOKEN\n".utf8).write(to: secret)
    return (content, secret)
  }

  private func link(_ path: String, in content: URL, to target: String) throws {
    try FileManager.default.createSymbolicLink(
      atPath: content.appendingPathComponent(path).path, withDestinationPath: target)
  }

  private func check(_ content: URL) throws -> (code: Int32, text: String) {
    let console = Captured()
    let command = try Check.parse(["--content", content.path])
    let code = Commands.check(command, console: console.console)
    return (code, console.out + console.err)
  }

  /// The walk of one folder (what serve lists when a file is added there) keeps the jail: a folder that
  /// resolves outside the content folder is not walked, a link out of it is a problem, and paths are the
  /// content folder's.
  @Test func oneFolderIsListedInsideTheJail() throws {
    try withTemporaryFolder { folder in
      let (content, secret) = try makeContent(in: folder)
      let cases = content.appendingPathComponent("cases/p")
      try FileManager.default.createDirectory(at: cases, withIntermediateDirectories: true)
      try Data("x".utf8).write(to: cases.appendingPathComponent("C-1.md"))
      try link("cases/p/C-2.md", in: content, to: secret.path)
      try link("cases/q", in: content, to: folder.path)
      let listing = try #require(FolderJail.list(content, below: "cases/p", what: "content folder"))
      #expect(listing.files.map(\.path) == ["cases/p/C-1.md"])
      #expect(listing.problems.map(\.path) == ["cases/p/C-2.md"])
      #expect(FolderJail.list(content, below: "cases/q", what: "content folder") == nil)
      #expect(FolderJail.list(content, below: "cases/../..", what: "content folder") == nil)
      #expect(FolderJail.list(content, below: "cases/none", what: "content folder") == nil)
    }
  }

  /// The walk lists a level of folders at a time on every core, and the stamp stats runs of files on every
  /// core, each run opening the folders it meets: over many folders, with one folder's files split in path
  /// order by a subfolder's, each file is listed once, in path order, and stamped as it is; a folder
  /// nested deeper than `maximumDepth` is a problem and not walked.
  @Test func aWideTreeIsListedAndStampedFileByFile() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      var paths = (0..<40).flatMap { partner in (0..<9).map { "cases/p\(partner)/C-\($0).md" } }
      // In path order, `cases/p1/C-0/inner.md` comes between `cases/p1/C-0.md` and `cases/p1/C-1.md`.
      paths += ["cases/p1/C-0/inner.md", "cases/p1-b/x.md", "partners/p1.yaml", "site.yaml"]
      for (number, path) in paths.enumerated() {
        let url = content.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(String(repeating: "x", count: number).utf8).write(to: url)
      }
      let listing = try FolderJail.list(content, what: "content folder")
      #expect(listing.files.map(\.path) == paths.sorted() && listing.problems.isEmpty)
      let stamp = try #require(FolderStamp.of(content, what: "content folder"))
      var lines: [UInt8] = []
      stamp.appendLines(prefix: "", smudgingAt: nil, to: &lines)
      let sizes = String(decoding: lines, as: UTF8.self).split(separator: "\n").map {
        ($0.split(separator: " ")[3], Int($0.split(separator: " ")[0]) ?? -1)
      }
      #expect(sizes.map { String($0.0) } == paths.sorted())
      #expect(sizes.allSatisfy { path, size in paths.firstIndex(of: String(path)) == size })
      #expect(stamp.isCurrent(paths))
      try Data("changed".utf8).write(to: content.appendingPathComponent("cases/p1/C-1.md"))
      #expect(!stamp.isCurrent(["cases/p1/C-1.md"]) && stamp.isCurrent(paths.filter { $0 != "cases/p1/C-1.md" }))

      let deep = "d/1/2/3/4/5/6/7/8/9"
      try FileManager.default.createDirectory(
        at: content.appendingPathComponent(deep), withIntermediateDirectories: true)
      try Data("x".utf8).write(to: content.appendingPathComponent(deep + "/deep.md"))
      let walked = try FolderJail.list(content, what: "content folder")
      #expect(walked.files.count == paths.count)
      #expect(walked.problems.map(\.path) == ["d/1/2/3/4/5/6/7/8"])
      #expect(FolderStamp.of(content, what: "content folder") == nil, "a listing with a problem is not stamped")
    }
  }

  @Test func linksOutOfTheFolderAreErrorsThatNeverShowTheTarget() throws {
    try withTemporaryFolder { folder in
      let (content, secret) = try makeContent(in: folder)
      try link("faq/leak.md", in: content, to: secret.path)
      try link("faq/passwd.md", in: content, to: "/etc/passwd")
      let outside = folder.appendingPathComponent("elsewhere")
      try FileManager.default.createDirectory(
        at: outside.appendingPathComponent("p"), withIntermediateDirectories: true)
      try Data(markCase(on: "2025-02-01").utf8).write(to: outside.appendingPathComponent("p/X-1.md"))
      try link("cases", in: content, to: outside.path)
      try link("partners/q.yaml", in: content, to: "../../secret.md")

      let (code, text) = try check(content)
      #expect(code == 1)
      let root = content.path
      #expect(text.contains("\(root)/faq/leak.md:1:1: error: symbolic link to a file outside the content folder"))
      #expect(text.contains("\(root)/faq/passwd.md:1:1: error: symbolic link to a file outside the content folder"))
      #expect(text.contains("\(root)/cases:1:1: error: symbolic link to a folder outside the content folder"))
      #expect(text.contains("\(root)/partners/q.yaml:1:1: error: symbolic link to a file outside"))
      #expect(!text.contains("TOP-SECRET-TOKEN") && !text.contains("root:"), "\(text)")

      let output = folder.appendingPathComponent("public")
      #expect(throws: SiteBuilder.Failure.self) {
        try SiteBuilder.build(.init(content: content, asOf: nil, today: Day("2026-11-15")), into: .init(folder: output))
      }
      #expect(!FileManager.default.fileExists(atPath: output.path))
    }
  }

  @Test func linksInsideTheFolderAreFollowed() throws {
    try withTemporaryFolder { folder in
      let (content, _) = try makeContent(in: folder)
      try link("faq/two.md", in: content, to: "one.md")
      try link("pages/more.md", in: content, to: "about.md")
      let (code, text) = try check(content)
      #expect(code == 0, "\(text)")
      #expect(text.contains("2 FAQ entries and 2 pages"))
    }
  }

  @Test func loopsAreFoundWithoutBeingWalked() throws {
    try withTemporaryFolder { folder in
      let (content, _) = try makeContent(in: folder)
      try link("faq/a", in: content, to: ".")
      try link("faq/b", in: content, to: "..")
      try link("pages/c", in: content, to: "../faq")
      let started = ContinuousClock.now
      let (code, text) = try check(content)
      #expect(started.duration(to: .now) < .seconds(10), "a loop was walked")
      #expect(code == 1)
      #expect(text.contains("faq/a:1:1: error: symbolic link loop"))
      #expect(text.contains("faq/b:1:1: error: symbolic link loop"))
      #expect(text.contains("pages/c/a:1:1: error: symbolic link loop"))
    }
  }

  @Test func specialFilesBrokenLinksAndHugeFilesAreErrorsNotReads() throws {
    try withTemporaryFolder { folder in
      let (content, _) = try makeContent(in: folder)
      #expect(mkfifo(content.appendingPathComponent("faq/pipe.md").path, 0o644) == 0)
      try link("faq/gone.md", in: content, to: "nowhere.md")
      let huge = [UInt8](repeating: UInt8(ascii: "a"), count: FolderJail.maximumFileSize + 1)
      try Data(huge).write(to: content.appendingPathComponent("pages/huge.md"))
      let (code, text) = try check(content)
      #expect(code == 1)
      #expect(text.contains("faq/pipe.md:1:1: error: not a regular file or folder"))
      #expect(text.contains("faq/gone.md:1:1: error: broken symbolic link"))
      #expect(text.contains("pages/huge.md:1:1: error: file is 10 MB, larger than the 10 MB a file may be"))
    }
  }

  @Test func aTemplatesFolderIsAJailToo() throws {
    try withTemporaryFolder { folder in
      let (_, secret) = try makeContent(in: folder)
      let templates = folder.appendingPathComponent("templates")
      try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(
        atPath: templates.appendingPathComponent("faq.mustache").path, withDestinationPath: secret.path)
      do {
        _ = try TemplateSet.load(overlay: templates)
        Issue.record("a link out of the templates folder was read")
      } catch let error as TemplateSet.Failure {
        #expect(
          error.diagnostics.map(\.message) == [
            "symbolic link to a file outside the templates folder; links must stay inside it"
          ])
        #expect(error.diagnostics.first?.location.file == "faq.mustache")
      }
    }
  }
}

@Suite("Hardening: diagnostics never echo too much")
struct DiagnosticEchoTests {
  @Test func aLongLineIsShownAsAnExcerptAroundTheColumn() {
    let long = "name: " + String(repeating: "x", count: 200_000) + ": [\n"
    let loaded = Tree(["partners/p.yaml": long]).load()
    let diagnostic = loaded.diagnostics.first { $0.location.file == "partners/p.yaml" }
    let text = DiagnosticFormatter(root: "content", sources: loaded.content.sources).text(diagnostic!)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(
      lines[0] == "content/partners/p.yaml:1:200007: error: YAML syntax: mapping values are not allowed in this context"
    )
    #expect(lines[1].count <= 160 + 2, "at most 160 characters and two ellipses")
    #expect(lines[1].hasPrefix("…") && lines[1].hasSuffix("x: ["))
    // The caret stays under the colon the parser points at.
    let caret = lines[2].count - 1
    #expect(Array(lines[1])[caret] == ":")
  }

  @Test func controlCharactersAreShownAsSymbolsAndNULIsPlaced() {
    let loaded = Tree(["partners/p.yaml": "name: P\nnote: bell\u{07}\u{1B}[31mred\u{00}\n"]).load()
    let formatter = DiagnosticFormatter(root: "content", sources: loaded.content.sources)
    let text = loaded.diagnostics.map(formatter.text).joined()
    #expect(
      text
        == "content/partners/p.yaml:2:11: error: YAML syntax: control characters are not allowed\nnote: bell␇␛[31mred␀\n          ^\n"
    )
    #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
  }

  @Test func aNameWithEscapesDoesNotReachTheTerminalRaw() {
    let diagnostic = Diagnostic(
      .error, at: SourceLocation(file: "faq/\u{1B}]0;pwned\u{07}.md"), "unknown key '\u{202E}x'")
    let text = DiagnosticFormatter(root: "content", sources: [:]).text(diagnostic)
    #expect(text == "content/faq/␛]0;pwned␇.md:1:1: error: unknown key '�x'\n")
    let github = DiagnosticFormatter(root: "content", sources: [:]).github([diagnostic])
    #expect(!github.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
  }
}

@Suite("Hardening: one build at a time, and write errors", .serialized)
struct OutputLockTests {
  @Test func aSecondBuildFailsAtOnceWithNoWaitAndWaitsWithout() async throws {
    try await withTemporaryFolder { folder in
      let output = folder.appendingPathComponent("public")
      let content = repositoryRoot.appendingPathComponent("content")
      let held = try OutputFolder.lock(output, wait: false)

      let console = Captured()
      // No search: the sample's site.yaml asks for Pagefind, which this test does not need.
      let cache = ["--cache", folder.appendingPathComponent("cache").path, "--no-search"]
      let noWait = try Build.parse(["--content", content.path, "--output", output.path, "--no-wait"] + cache)
      #expect(Commands.build(noWait, console: console.console) == 75)
      #expect(console.err.contains("another build is writing \(output.path)"))
      #expect(!FileManager.default.fileExists(atPath: output.path))

      let waiting = Captured()
      let finished = Atomic<Int32>(-1)
      let arguments = ["--content", content.path, "--output", output.path, "--quiet"] + cache
      let thread = Thread {
        let code = (try? Build.parse(arguments)).map { Commands.build($0, console: waiting.console) } ?? 99
        finished.store(code, ordering: .sequentiallyConsistent)
      }
      thread.start()
      try await Task.sleep(for: .milliseconds(500))
      #expect(finished.load(ordering: .sequentiallyConsistent) == -1, "the second build did not wait")
      #expect(waiting.err.contains("waiting for another build of \(output.path)/ to finish"))
      withExtendedLifetime(held) {}
      _ = consume held
      let deadline = ContinuousClock.now + .seconds(60)
      while finished.load(ordering: .sequentiallyConsistent) == -1 && ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(50))
      }
      #expect(finished.load(ordering: .sequentiallyConsistent) == 0)
      #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path))
    }
  }

  @Test func writeErrorsNameThePathAndTheReasonAndExit73() throws {
    try withTemporaryFolder { folder in
      let blocker = folder.appendingPathComponent("file")
      try Data("x".utf8).write(to: blocker)
      let console = Captured()
      let command = try Build.parse([
        "--content", repositoryRoot.appendingPathComponent("content").path, "--output", blocker.path + "/public",
        "--cache", folder.appendingPathComponent("cache").path, "--no-search",
      ])
      #expect(Commands.build(command, console: console.console) == ExitStatus.cannotWrite)
      #expect(console.err.contains("accredit: error: cannot "))
      #expect(console.err.contains(blocker.path))
      #expect(console.err.contains("Not a directory"))
    }
  }
}
