import AccreditCLI
import AccreditContent
import AccreditEngine
import AccreditMarkdown
import AccreditReports
import AccreditSite
import AccreditSupport
import ArgumentParser
import Foundation
import Testing

// Issue 20, "Reports and inputs": names and reasons reach a terminal and a job summary as text; a git
// revision is measured before it is read; `upcoming` has bounds; names that differ only in case; hard links.

/// Issue 20's partner name: a title escape, a bell, a screen clear, a right-to-left override, CR LF, then
/// a Markdown heading, link, image, HTML and emphasis.
let hostileName =
  "Evil\u{1B}]0;PWNED\u{07}\u{1B}[2J\u{202E}X\r\n## Injected heading [link](https://evil.example) "
  + "<img src=x onerror=alert(1)> **bold** www.evil.example"

/// Whether `text` holds a character that acts on a terminal: a control character other than the line
/// feeds that end lines, or a bidirectional control.
func actsOnATerminal(_ text: String) -> Bool {
  text.unicodeScalars.contains {
    ($0.value < 0x20 && $0 != "\n") || (0x7F..<0xA0).contains($0.value) || (0x202A...0x202E).contains($0.value)
      || (0x2066...0x2069).contains($0.value)
  }
}

/// Writes `files` below `folder`.
func writeTree(_ files: [String: String], under folder: URL) throws {
  for (path, text) in files {
    let url = folder.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }
}

/// The `accredit` executable SwiftPM built beside the test bundle.
let accreditExecutable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
  .deletingLastPathComponent().appendingPathComponent("accredit")

/// Runs `accredit arguments` in `folder` with `environment` changed as given (nil removes a variable), and
/// `limit` put first (a shell's `ulimit`), and returns its exit status and everything it printed.
func runAccredit(
  _ arguments: [String], in folder: URL, environment changes: [String: String?] = [:], limit: String? = nil
) throws -> (code: Int32, output: String) {
  try #require(FileManager.default.isExecutableFile(atPath: accreditExecutable.path), "no accredit built")
  var environment = ProcessInfo.processInfo.environment
  for (name, value) in changes { environment[name] = value }
  let process = Process()
  if let limit {
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", "\(limit) && exec \"$0\" \"$@\"", accreditExecutable.path] + arguments
  } else {
    process.executableURL = accreditExecutable
    process.arguments = arguments
  }
  process.environment = environment
  process.currentDirectoryURL = folder
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  try process.run()
  let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  return (process.terminationStatus, output)
}

@Suite("Hardening: names and reasons in reports")
struct ReportEscapingTests {
  @Test(arguments: [
    ("partners/p.yaml", "name: \"Evil\\e]0;x\\a\"", "partners/p.yaml:1:7", "'name' holds a control character (U+001B)"),
    ("partners/p.yaml", "name: \"Evil\\r\\n## Injected\"", "partners/p.yaml:1:7", "'name' holds a line break (U+000D)"),
    ("partners/p.yaml", "name: |\n  Evil\n  ## Injected", "partners/p.yaml:1:7", "'name' holds a line break (U+000A)"),
    (
      "partners/p.yaml", "name: \"Evil\\u202EX\"", "partners/p.yaml:1:7",
      "'name' holds a bidirectional control (U+202E)"
    ),
    ("partners/p.yaml", "name: \"Tab\\tName\"", "partners/p.yaml:1:7", "'name' holds a control character (U+0009)"),
    (
      "standards.yaml", "  program: \"Partner\\e[2J Program\"", "standards.yaml:8:12",
      "certification name holds a control character (U+001B)"
    ),
    (
      "standards.yaml", "    name: \"CRM\\LImplementation\"", "standards.yaml:13:11",
      "'name' holds a line break (U+2028)"
    ),
    (
      "standards.yaml", "tiers: [\"part\\nner\", gold, platinum, diamond, elite]", "standards.yaml:1:9",
      "tier holds a line break (U+000A)"
    ),
  ])
  func aNameWithAControlCharacterOrALineBreakIsAnError(file: String, line: String, place: String, message: String) {
    // The line replaces the first line of the file that starts as it does (`name:`, `  program:`, `tiers:`).
    let key = String(line.prefix { $0 != ":" })
    let original = file == "standards.yaml" ? Tree.standards : healthyPartner
    var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let index = lines.firstIndex { $0.hasPrefix(key + ":") }
    #expect(index != nil, "the fixture has \(key)")
    if let index { lines[index] = line }
    var files = ["partners/p.yaml": healthyPartner]
    files[file] = lines.joined(separator: "\n")
    let loaded = Tree(files).load()
    let text = loaded.diagnostics.map { "\($0.location.file):\($0.location.line):\($0.location.column) \($0.message)" }
    #expect(
      text.contains {
        $0.hasPrefix(place + " " + message) && $0.hasSuffix("a name is one line of text without control characters")
      },
      "\(text)")
  }

  @Test func aNameOnOneLineWithMarkdownInItIsFine() {
    let loaded = Tree([
      "partners/p.yaml": healthyPartner.replacingOccurrences(of: "Test Partner", with: "A [b](c) <d> **e** # f")
    ])
    .load()
    #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
  }

  /// A `status.json` of partner `alpha` (`record`, by default a healthy one), with `edit` applied.
  private func statusFile(
    in folder: URL, record: String = healthyPartner, _ edit: (inout StatusDocument) -> Void
  ) throws -> URL {
    let alpha = record.replacingOccurrences(of: "Test Partner", with: "Alpha")
    var document = StatusDocument(
      evaluations: Tree(["partners/alpha.yaml": alpha]).evaluations(asOf: "2026-11-15"), asOf: Day("2026-11-15"),
      contentName: "content")
    edit(&document)
    let url = folder.appendingPathComponent("status.json")
    try Data(document.json.serialized().utf8).write(to: url)
    return url
  }

  /// `changes --from <content> --to <a hostile status.json>`, in `format`.
  private func hostileChanges(format: String) throws -> (code: Int32, out: String, err: String) {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      let alpha = healthyPartner.replacingOccurrences(of: "Test Partner", with: "Alpha")
      let beta = healthyPartner.replacingOccurrences(of: "Test Partner", with: "Beta")
      try writeTree(Tree(["partners/alpha.yaml": alpha, "partners/beta.yaml": beta]).files, under: content)
      // Alpha's sales certification expired: at risk, for a reason the file then makes hostile.
      let expired = healthyPartner.replacingOccurrences(of: "expires: 2027-06-01", with: "expires: 2026-10-15")
      let status = try statusFile(in: folder, record: expired) { document in
        // Alpha is renamed, with a hostile reason; Evil is new, with a hostile tier.
        var evil = document.partners[0]
        evil.slug = "evil"
        evil.tier = "<b>gold</b>\u{1B}[31m"
        evil.name = hostileName
        document.partners[0].name = hostileName
        document.partners[0].accreditations[0].reasons[0].message =
          "expired\u{1B}[2K\n# Heading [x](javascript:alert(1))"
        document.partners.append(evil)
      }
      let captured = Captured()
      let command = try #require(
        try Accredit.parseAsRoot([
          "changes", "--from", content.path, "--to", status.path, "--content", content.path, "--as-of", "2026-11-15",
          "--format", format,
        ]) as? Changes)
      let code = Commands.changes(command, console: captured.console)
      return (code, captured.out, captured.err)
    }
  }

  @Test func changesShowsAHostileStatusFileAsSymbolsInText() throws {
    let (code, out, err) = try hostileChanges(format: "text")
    #expect(code == 0, "\(err)")
    #expect(!actsOnATerminal(out), "\(out.debugDescription)")
    let lines = out.split(separator: "\n")
    #expect(lines.count == 3, "one line a change: \(lines)")
    #expect(lines.first == "Partner removed: Beta")
    #expect(out.contains("Evil␛]0;PWNED␇␛[2J�X␍␊## Injected heading [link](https://evil.example) <img"))
    #expect(out.contains("(expired␛[2K␊# Heading [x](javascript:alert(1)))"))
    #expect(out.contains("(<b>gold</b>␛[31m, 1 accreditation)"))
  }

  @Test func changesEscapesAHostileStatusFileInMarkdown() throws {
    let (code, out, err) = try hostileChanges(format: "markdown")
    #expect(code == 0, "\(err)")
    #expect(!actsOnATerminal(out), "\(out.debugDescription)")
    let html = Markdown.html(from: out)
    // One heading (the report's own), one list of three items; nothing else acts as Markdown.
    #expect(html.components(separatedBy: "<h").count == 2, "\(html)")
    #expect(html.components(separatedBy: "<li>").count == 4, "\(html)")
    for element in ["<a ", "<img", "<strong", "<em", "<b>", "raw HTML omitted"] {
      #expect(!html.contains(element), "\(element) in \(html)")
    }
    #expect(
      html.contains("## Injected heading [link](https://evil.example) &lt;img src=x onerror=alert(1)&gt; **bold**"))
    #expect(out.contains("www\\.evil\\.example"), "no autolink either")
  }

  @Test func upcomingRefusesAHostileNameAndEscapesMarkdownInAValidOne() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      let hostile = healthyPartner.replacingOccurrences(of: "name: Test Partner", with: "name: \"Evil\\e]0;PWNED\\a\"")
      try writeTree(Tree(["partners/p.yaml": hostile]).files, under: content)
      let refused = Captured()
      let command = try #require(
        try Accredit.parseAsRoot(["upcoming", "--content", content.path, "--as-of", "2026-11-15", "--days", "180"])
          as? Upcoming)
      #expect(Commands.upcoming(command, console: refused.console) == 1)
      #expect(refused.err.contains("partners/p.yaml:1:7: error: 'name' holds a control character (U+001B)"))
      #expect(!actsOnATerminal(refused.out + refused.err))

      let markdownName = "Evil [link](https://evil.example) <img src=x> **bold** _em_ `code` # not a heading"
      try writeTree(
        ["partners/p.yaml": healthyPartner.replacingOccurrences(of: "Test Partner", with: "'\(markdownName)'")],
        under: content)
      let shown = Captured()
      let markdown = try #require(
        try Accredit.parseAsRoot([
          "upcoming", "--content", content.path, "--as-of", "2026-11-15", "--days", "180", "--format", "markdown",
        ]) as? Upcoming)
      #expect(Commands.upcoming(markdown, console: shown.console) == 0, "\(shown.err)")
      let html = Markdown.html(from: shown.out)
      #expect(
        html.contains(
          "<li>15 Mar 2027 · \(markdownName.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")) · CRM Implementation is evaluated"
        ), "\(html)")
      for element in ["<a ", "<img", "<strong", "<em", "<code", "raw HTML omitted"] {
        #expect(!html.contains(element), "\(element) in \(html)")
      }
    }
  }

  @Test func upcomingEventsAreShownAsSymbolsInTextAndAsPlainTextInMarkdown() {
    let event = UpcomingEvent(
      date: Day("2026-12-01"), kind: .certificationExpires, partner: "evil", partnerName: hostileName,
      subject: "Sales\u{1B}[2J\n# Heading",
      statuses: [.init(accreditation: "<img src=x>\u{2066}", before: .accredited, status: .atRisk)])
    let text = ReportFormat.text.render([event], days: 30, asOf: Day("2026-11-15"))
    #expect(!actsOnATerminal(text))
    #expect(text.split(separator: "\n").count == 1)
    #expect(text.contains("certification Sales␛[2J␊# Heading expires — <img src=x>�: accredited → at-risk"))
    let markdown = ReportFormat.markdown.render([event], days: 30, asOf: Day("2026-11-15"))
    #expect(!actsOnATerminal(markdown))
    let html = Markdown.html(from: markdown)
    #expect(html.components(separatedBy: "<h").count == 2, "\(html)")
    for element in ["<a ", "<img", "<strong", "raw HTML omitted"] { #expect(!html.contains(element), "\(html)") }
    #expect(html.contains("certification Sales␛[2J␊# Heading expires — &lt;img src=x&gt;�: accredited → at-risk"))
  }

  @Test func aNameThatLooksLikeAListOrCodeAtTheStartOfALineStaysText() {
    for name in ["- item", "1) item", "2. item", "    code", "> quote", "+ item", "***", "| a | b |"] {
      let change = StatusChange(kind: .tierChanged, partner: "p", partnerName: name, from: "gold", to: "platinum")
      let html = Markdown.html(from: ReportFormat.markdown.render([change], from: "a", to: "b", asOf: "15 Nov 2026"))
      for element in ["<ol", "<ul>\n<li>\n<ul", "<pre", "<blockquote", "<hr", "<table", "<em", "<strong"] {
        #expect(!html.contains(element), "\(name): \(html)")
      }
      #expect(html.components(separatedBy: "<li>").count == 2, "\(name): \(html)")
    }
  }

  @Test func aStatusFileWithABadDateAnUnknownStatusOrADuplicateSlugIsAnError() throws {
    try withTemporaryFolder { folder in
      let rows: [(String, (inout StatusDocument) -> Void)] = [
        ("as_of: '2026-13-45' is not a date (YYYY-MM-DD)", { $0.asOf = "2026-13-45" }),
        (
          "partners[0].accreditations[0].status: 'pwned␛' is not a status; statuses are revoked, ineligible, "
            + "under-review, at-risk, accredited",
          { $0.partners[0].accreditations[0].status = "pwned\u{1B}" }
        ),
        ("partners[1].slug: 'alpha' is listed twice (also partners[0])", { $0.partners.append($0.partners[0]) }),
      ]
      for (message, edit) in rows {
        let url = try statusFile(in: folder, edit)
        let data = try Data(contentsOf: url)
        do {
          _ = try StatusSnapshot(statusJSON: data)
          Issue.record("no error for \(message)")
        } catch {
          #expect("\(error)" == message)
        }
        let captured = Captured()
        let command = try #require(
          try Accredit.parseAsRoot([
            "changes", "--from", url.path, "--to", url.path, "--content",
            repositoryRoot.appendingPathComponent("content").path, "--as-of", "2026-11-15",
          ]) as? Changes)
        #expect(Commands.changes(command, console: captured.console) == 1)
        #expect(captured.err == "accredit: error: \(url.path): \(message)\n")
      }
    }
  }
}

@Suite("Hardening: changes --from REV measures a revision before reading it", .serialized)
struct GitRevisionSizeTests {
  @discardableResult
  private func git(_ arguments: [String], in folder: URL) throws -> String {
    let outcome = try Subprocess.run(
      ["git", "-C", folder.path] + arguments,
      environment: [
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid", "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid", "HOME": folder.path, "PATH": "/usr/bin:/bin:/usr/local/bin",
      ])
    try #require(outcome.status == 0, "git \(arguments): \(outcome.output)")
    return outcome.output
  }

  @Test func anOversizedBlobIsReportedWithoutBeingWrittenAndOtherFoldersAreNotRead() throws {
    try withTemporaryFolder { repository in
      let content = repository.appendingPathComponent("content")
      try writeTree(Tree(["partners/alpha.yaml": healthyPartner]).files, under: content)
      // 30 MB each (git stores them compressed, in little space): one where FAQ entries are read, one in a
      // folder a content folder is never read for.
      let big = String(repeating: "0123456789abcdef\n", count: 30 * 1024 * 1024 / 17)
      try writeTree(["faq/big.md": big, "data/huge.md": big], under: content)
      try git(["init", "-q", "-b", "main"], in: repository)
      try git(["add", "-A"], in: repository)
      try git(["commit", "-q", "-m", "big files"], in: repository)
      try FileManager.default.removeItem(at: content.appendingPathComponent("faq/big.md"))

      // No file above 20 MB may be written: the revision's big blobs must not be unpacked to be measured.
      let (code, output) = try runAccredit(
        ["changes", "--from", "HEAD", "--to", "content", "--content", "content", "--as-of", "2026-11-15"],
        in: repository, limit: "ulimit -f 20480")
      #expect(code == 1, "\(output)")
      let tooLarge = FolderJail.ReadFailure.tooLarge(big.utf8.count).description
      #expect(output.contains("HEAD:content/faq/big.md:1:1: error: \(tooLarge)"), "\(output)")
      #expect(!output.contains("huge.md"), "\(output)")
      #expect(!output.contains("cannot read"), "\(output)")
    }
  }

  @Test func aRevisionReadsTheSameAsItsCheckout() throws {
    try withTemporaryFolder { repository in
      let content = repository.appendingPathComponent("content")
      try writeTree(
        Tree([
          "partners/alpha.yaml": healthyPartner, "cases/alpha/A-1.md": markCase(on: "2025-02-01"),
          "faq/one.md": "---\nquestion: One?\n---\nAnswer.\n", ".hidden/x.md": "not read",
        ]).files, under: content)
      try FileManager.default.createSymbolicLink(
        atPath: content.appendingPathComponent("faq/two.md").path, withDestinationPath: "one.md")
      try git(["init", "-q", "-b", "main"], in: repository)
      try git(["add", "-A"], in: repository)
      try git(["commit", "-q", "-m", "content"], in: repository)
      let captured = Captured()
      let command = try #require(
        try Accredit.parseAsRoot([
          "changes", "--from", "HEAD", "--to", content.path, "--content", content.path, "--as-of", "2026-11-15",
        ]) as? Changes)
      #expect(Commands.changes(command, console: captured.console) == 0, "\(captured.err)")
      #expect(captured.out == "No status changes.\n")
    }
  }
}

@Suite("Hardening: upcoming's window is bounded")
struct UpcomingBoundsTests {
  private let content = repositoryRoot.appendingPathComponent("content").path

  @Test(arguments: [
    (["--days", "9223372036854775807"], "--days must be from 1 to 3660 (ten years), not 9223372036854775807"),
    (["--days", "999999999"], "--days must be from 1 to 3660 (ten years), not 999999999"),
    (["--days", "3661"], "--days must be from 1 to 3660 (ten years), not 3661"),
    (["--days", "0"], "--days must be from 1 to 3660 (ten years), not 0"),
    (
      ["--as-of", "9999-12-01", "--days", "31"],
      "31 days after 9999-12-01 is past 9999-12-31, the last date accredit can write; give an earlier --as-of "
        + "or fewer --days"
    ),
  ])
  func aWindowTooLongOrPastTheLastDateIsABadUsage(arguments: [String], message: String) {
    do {
      _ = try Accredit.parseAsRoot(["upcoming", "--content", content] + arguments)
      Issue.record("\(arguments) was accepted")
    } catch {
      #expect(Accredit.exitCode(for: error) == .validationFailure)
      #expect(Accredit.message(for: error) == message)
    }
  }

  @Test func theLongestWindowToTheLastDateIsFine() throws {
    let captured = Captured()
    let command = try #require(
      try Accredit.parseAsRoot(["upcoming", "--content", content, "--as-of", "9989-12-23", "--days", "3660"])
        as? Upcoming)
    #expect(Commands.upcoming(command, console: captured.console) == 0)
    #expect(captured.out.contains("\n1 Jun 9999 · tier reviews of every partner begin (9999-06)\n"))
    #expect(!captured.out.contains("1970") && !captured.out.contains("10000"))
  }

  @Test func aSiteDateTooCloseToTheLastDateIsABadUsage() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      var files = Tree(["partners/p.yaml": healthyPartner]).files
      files["site.yaml"] = "title: Test\nas_of: 9999-12-20\n"
      try writeTree(files, under: content)
      let captured = Captured()
      let command = try #require(try Accredit.parseAsRoot(["upcoming", "--content", content.path]) as? Upcoming)
      #expect(Commands.upcoming(command, console: captured.console) == 64)
      #expect(captured.err.hasPrefix("accredit: error: 30 days after 9999-12-20 is past 9999-12-31"))
      #expect(captured.out.isEmpty)
    }
  }
}

@Suite("Hardening: names that differ only in case")
struct CaseClashTests {
  private static let note = "---\ncustomer: A\nsteps:\n  - { stage: complaint, date: 2026-01-01 }\n---\nNotes.\n"

  @Test(arguments: [
    (
      ["partners/litware-labs.yaml", "partners/Litware-Labs.yaml"], "partners/litware-labs.yaml",
      "partner slug 'litware-labs' differs only in case from partners/Litware-Labs.yaml"
    ),
    (
      ["partners/a.yml", "partners/A.yaml"], "partners/a.yml",
      "partner slug 'a' differs only in case from partners/A.yaml"
    ),
    (
      ["cases/p/AB-1.md", "cases/p/ab-1.md"], "cases/p/ab-1.md",
      "case id 'ab-1' differs only in case from cases/p/AB-1.md"
    ),
    (
      ["cases/P/X-1.md", "cases/p/X-2.md"], "cases/p/X-2.md",
      "case folder 'cases/p/' differs only in case from 'cases/P/'"
    ),
    (["faq/Q.md", "faq/q.md"], "faq/q.md", "file name 'q' differs only in case from faq/Q.md"),
    (
      ["pages/About.md", "pages/about.md"], "pages/about.md",
      "file name 'about' differs only in case from pages/About.md"
    ),
  ])
  func theSecondOfTwoNamesThatDifferOnlyInCaseIsAnError(paths: [String], file: String, message: String) {
    let texts = [
      "partners": healthyPartner, "cases": Self.note, "faq": "---\nquestion: Q?\n---\nA.\n",
      "pages": "---\ntitle: T\n---\nText.\n",
    ]
    var files = ["partners/p.yaml": healthyPartner]
    for path in paths { files[path] = texts[String(path.prefix { $0 != "/" })] }
    let diagnostics = Tree(files).load().diagnostics
    let clash = diagnostics.filter { $0.message.contains("differs only in case") }
    #expect(clash.count == 1, "\(diagnostics)")
    #expect(clash.first?.location.file == file)
    #expect(clash.first?.severity == .error)
    #expect(
      clash.first?.message
        == message + "; the default file systems of macOS and Windows ignore case, so there they are one "
        + (message.hasPrefix("case folder") ? "folder" : "file") + " (rename one)")
  }

  @Test func theSameClashIsReportedWhateverTheParseCacheHolds() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try writeTree(Tree(["partners/litware-labs.yaml": healthyPartner]).files, under: content)
      try redate(content, to: Date().addingTimeInterval(-3600))
      let cache = ParseCache()
      #expect(try ContentFolder.load(content, cache: cache).diagnostics.isEmpty)
      // The cache answers for litware-labs.yaml, which sorts after the new file.
      try writeTree(["partners/Litware-Labs.yaml": healthyPartner], under: content)
      let cached = try ContentFolder.load(content, cache: cache).diagnostics
      let uncached = try ContentFolder.load(content).diagnostics
      #expect(uncached.map(\.location.file) == ["partners/litware-labs.yaml"], "\(uncached)")
      #expect(cached == uncached)
    }
  }

  /// Runs `accredit new …` against `content`; returns the exit status and what was printed.
  private func new(_ arguments: [String], content: URL) throws -> (code: Int32, err: String) {
    let captured = Captured()
    let parsed = try Accredit.parseAsRoot(["new"] + arguments + ["--content", content.path])
    let code: Int32 =
      switch parsed {
      case let partner as NewPartner: Commands.newPartner(partner, console: captured.console)
      case let escalation as NewCase: Commands.newCase(escalation, console: captured.console)
      default: -1
      }
    return (code, captured.err)
  }

  @Test func newRefusesANameThatDiffersOnlyInCaseFromOneThere() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)
      let before = try FileManager.default.subpathsOfDirectory(atPath: content.path).sorted()

      let partner = try new(["partner", "Northwind-Digital"], content: content)
      #expect(partner.code == 1)
      #expect(
        partner.err.hasPrefix(
          "accredit: error: partner slug 'Northwind-Digital' differs only in case from partners/northwind-digital.yaml;"
        ))
      let id = try new(["case", "northwind-digital", "nw-2026-011"], content: content)
      #expect(id.code == 1)
      #expect(
        id.err.hasPrefix(
          "accredit: error: case id 'nw-2026-011' differs only in case from cases/northwind-digital/NW-2026-011.md;"))
      #expect(try FileManager.default.subpathsOfDirectory(atPath: content.path).sorted() == before)

      try FileManager.default.createDirectory(
        at: content.appendingPathComponent("cases/NORTHWIND-DIGITAL"), withIntermediateDirectories: true)
      let caseFolder = try new(["case", "northwind-digital", "NW-2026-099"], content: content)
      #expect(caseFolder.code == 1)
      #expect(
        caseFolder.err.hasPrefix(
          "accredit: error: case folder 'northwind-digital' differs only in case from cases/NORTHWIND-DIGITAL/;"))
      #expect(
        !FileManager.default.fileExists(
          atPath: content.appendingPathComponent("cases/northwind-digital/NW-2026-099.md").path))
    }
  }
}

@Suite("Hardening: hard links", .serialized)
struct HardLinkTests {
  /// A valid content folder whose `faq/leak.md` is a hard link to a file outside it.
  private func makeContent(in folder: URL) throws -> URL {
    let content = folder.appendingPathComponent("content")
    try writeTree(
      Tree(["partners/p.yaml": healthyPartner, "faq/one.md": "---\nquestion: One?\n---\nAnswer.\n"]).files,
      under: content)
    let secret = folder.appendingPathComponent("secret.md")
    try Data("---\nquestion: TOP-SECRET-TOKEN\n---\nTOP-SECRET-TOKEN\n".utf8).write(to: secret)
    try FileManager.default.linkItem(at: secret, to: content.appendingPathComponent("faq/leak.md"))
    return content
  }

  @Test func aHardLinkIsReadOutsideCIAndRefusedInCI() throws {
    try withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      // What the jail cannot see: outside CI the linked file is read like any other.
      let local = try runAccredit(["check", "--content", "content"], in: folder, environment: ["CI": nil])
      #expect(local.code == 0, "\(local.output)")
      #expect(local.output.contains("2 FAQ entries"))

      // In CI it is refused, even though the check before recorded the same files as fine.
      let ci = try runAccredit(["check", "--content", "content"], in: folder, environment: ["CI": "true"])
      #expect(ci.code == 1)
      #expect(
        ci.output.contains(
          "content/faq/leak.md:1:1: error: file has 2 hard links; in CI (CI=true) a file must have one, since a "
            + "hard link can bring in a file from outside the folder and git never checks one out"), "\(ci.output)")
      #expect(!ci.output.contains("TOP-SECRET-TOKEN"))

      let build = try runAccredit(
        ["build", "--content", "content", "--output", "public", "--as-of", "2026-11-15"], in: folder,
        environment: ["CI": "true"])
      #expect(build.code == 1, "\(build.output)")
      #expect(build.output.contains("content/faq/leak.md:1:1: error: file has 2 hard links"))
      #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("public").path))
      _ = content
    }
  }

  @Test func theJailRefusesAFileWithTwoLinksWhenAsked() throws {
    try withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      let listing = try FolderJail.list(content, what: "content folder")
      let leak = try #require(listing.files.first { $0.path == "faq/leak.md" })
      let one = try #require(listing.files.first { $0.path == "faq/one.md" })
      guard case .failure(.hardLink(2)) = FolderJail.read(leak, refusingHardLinks: true) else {
        Issue.record("a hard link was read")
        return
      }
      #expect((try? FolderJail.read(one, refusingHardLinks: true).get()) != nil)
      #expect((try? FolderJail.read(leak, refusingHardLinks: false).get()) != nil)
    }
  }
}
