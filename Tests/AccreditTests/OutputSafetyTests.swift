import AccreditCLI
import AccreditContent
import AccreditEngine
import AccreditSite
import Foundation
import Testing

/// What a run of the `accredit` executable printed, and how it ended.
struct Run {
  var status: Int32
  var out: String
  var err: String
}

/// Runs `accredit` with `arguments`: as `user` (through `runuser`) when given, with `environment` added.
func runAccredit(_ arguments: [String], user: String? = nil, environment: [String: String] = [:]) throws -> Run {
  let process = Process()
  // At a low priority, as the killed-build tests run theirs: the suites that time the preview server run
  // beside these builds.
  process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
  if let user {
    process.arguments = ["-n", "10", "/usr/sbin/runuser", "-u", user, "--", accreditExecutable.path] + arguments
  } else {
    process.arguments = ["-n", "10", accreditExecutable.path] + arguments
  }
  process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return Run(
    status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
    err: String(decoding: errData, as: UTF8.self))
}

/// Runs a shell command line; returns its exit status and what it printed.
@discardableResult
func shell(_ command: String) throws -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/sh")
  process.arguments = ["-c", command]
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A user without rights, for the tests of permissions: made when missing. Nil when this process is not
/// root (it cannot make one, and as another user it is already without rights over root's files).
func unprivilegedUser() throws -> String? {
  guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else { return nil }
  let name = "accredit-test"
  if try shell("id -u \(name)").status != 0 {
    let made = try shell("useradd --no-create-home --shell /usr/sbin/nologin \(name) 2>&1 || id -u \(name)")
    try #require(made.status == 0, "useradd: \(made.output)")
  }
  return name
}

private func write(_ text: String, to url: URL) throws {
  try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try Data(text.utf8).write(to: url)
}

private func text(_ url: URL) -> String? {
  (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) }
}

/// Issue 20: a build only ever removes files it made itself, and refuses folders that are not a site's.
@Suite("Hardening: nothing a user owns is removed")
struct OutputSafetyTests {
  private let asOf = Day("2026-11-15")

  private func build(_ content: URL, into output: URL, clean: Bool = false) throws -> SiteBuilder.Built {
    try SiteBuilder.build(
      .init(content: content, asOf: asOf, today: asOf), into: .init(folder: output, clean: clean))
  }

  private func buildCommand(_ arguments: [String]) throws -> (code: Int32, out: String, err: String) {
    let console = Captured()
    let code = Commands.build(try Build.parse(arguments), console: console.console, today: asOf)
    return (code, console.out, console.err)
  }

  /// Hand-written files a site's folder holds: a custom domain, GitHub Pages' switch, a guide.
  private let handWritten = [
    "CNAME": "status.example.internal\n", ".nojekyll": "", "docs/guide.md": "# Guide\n",
    "partners/README.txt": "written by hand\n",
  ]

  @Test func aFirstBuildIntoAFolderKeepsEveryFileItDidNotMakeAndSaysSo() throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 6, cases: 2, seed: 1)
      let output = folder.appendingPathComponent("public")
      for (path, body) in handWritten { try write(body, to: output.appendingPathComponent(path)) }
      try write("stale", to: output.appendingPathComponent("index.html"))

      let (code, _, err) = try buildCommand([
        "--content", content.path, "--output", output.path, "--as-of", "2026-11-15",
      ])
      #expect(code == 0, "\(err)")
      for (path, body) in handWritten { #expect(text(output.appendingPathComponent(path)) == body, "\(path)") }
      #expect(text(output.appendingPathComponent("index.html"))?.contains("<html") == true)
      #expect(
        err.contains(
          "accredit: note: kept 4 entries in \(output.path)/ that accredit did not make: .nojekyll, CNAME, docs/, "
            + "partners/README.txt (a build removes only the files it made)"), "\(err)")
      // Said once: the next build knows its own files from its manifest.
      let again = try buildCommand(["--content", content.path, "--output", output.path, "--as-of", "2026-11-15"])
      #expect(!again.err.contains("kept"), "\(again.err)")
    }
  }

  @Test(arguments: [false, true])
  func laterBuildsSmallLargeAndCleanKeepThemAndRemoveOnlyTheirOwnFiles(clean: Bool) throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 60, cases: 2, seed: 2)
      let output = folder.appendingPathComponent("public")
      _ = try build(content, into: output)
      for (path, body) in handWritten { try write(body, to: output.appendingPathComponent(path)) }
      let partner = try #require(
        try FileManager.default.contentsOfDirectory(atPath: content.appendingPathComponent("partners").path).min())
      let slug = String(partner.dropLast(".yaml".count))
      try write("mine\n", to: output.appendingPathComponent("partners/\(slug)/notes.txt"))

      // A small change (one partner gone): updated in place.
      try FileManager.default.removeItem(at: content.appendingPathComponent("partners/\(partner)"))
      try? FileManager.default.removeItem(at: content.appendingPathComponent("cases/\(slug)"))
      let small = try build(content, into: output, clean: clean)
      #expect(small.report.removed > 0)
      #expect(
        !FileManager.default.fileExists(atPath: output.appendingPathComponent("partners/\(slug)/index.html").path))
      #expect(text(output.appendingPathComponent("partners/\(slug)/notes.txt")) == "mine\n")

      // A change of every page (the title): written as a new folder and swapped in, hand-written files linked.
      let site = content.appendingPathComponent("site.yaml")
      try write((text(site) ?? "").replacingOccurrences(of: "title:", with: "title: New") + "\n", to: site)
      let large = try build(content, into: output, clean: clean)
      #expect(large.report.isSwapped)
      for (path, body) in handWritten { #expect(text(output.appendingPathComponent(path)) == body, "\(path)") }
      #expect(text(output.appendingPathComponent("partners/\(slug)/notes.txt")) == "mine\n")
      // And equal, apart from those, to a clean build into an empty folder.
      let fresh = folder.appendingPathComponent("fresh")
      _ = try build(content, into: fresh)
      var built = try filesBelow(output).mapValues(\.bytes)
      for path in handWritten.keys { built[path] = nil }
      built["partners/\(slug)/notes.txt"] = nil
      built[SiteWriter.manifestName] = nil
      var expected = try filesBelow(fresh).mapValues(\.bytes)
      expected[SiteWriter.manifestName] = nil
      #expect(built == expected)
      let beside = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      #expect(beside.filter { $0.contains("accredit-staging") || $0.contains("accredit-old") }.isEmpty)
    }
  }

  @Test func aCommittedCNAMESurvivesABuildOnAFreshClone() throws {
    try withTemporaryFolder { folder in
      let origin = folder.appendingPathComponent("records")
      _ = try generatedContent(in: origin, partners: 4, cases: 1, seed: 4)
      try write("status.example.internal\n", to: origin.appendingPathComponent("public/CNAME"))
      try write("", to: origin.appendingPathComponent("public/.nojekyll"))
      let git = "git -c user.name=t -c user.email=t@example.invalid"
      let setUp = try shell(
        "cd '\(origin.path)' && git init -q && \(git) add -A && \(git) commit -qm records && "
          + "git clone -q '\(origin.path)' '\(folder.path)/clone'")
      try #require(setUp.status == 0, "\(setUp.output)")
      let clone = folder.appendingPathComponent("clone")
      #expect(!FileManager.default.fileExists(atPath: clone.appendingPathComponent("public/.accredit-manifest").path))
      let run = try runAccredit([
        "build", "--content", clone.appendingPathComponent("content").path,
        "--output", clone.appendingPathComponent("public").path, "--as-of", "2026-11-15",
        "--cache", folder.appendingPathComponent("cache").path,
      ])
      #expect(run.status == 0, "\(run.err)")
      #expect(text(clone.appendingPathComponent("public/CNAME")) == "status.example.internal\n")
      #expect(FileManager.default.fileExists(atPath: clone.appendingPathComponent("public/.nojekyll").path))
      #expect(FileManager.default.fileExists(atPath: clone.appendingPathComponent("public/index.html").path))
      let status = try shell("cd '\(clone.path)' && git status --porcelain public/CNAME public/.nojekyll")
      #expect(status.output.isEmpty, "\(status.output)")
    }
  }

  /// The folders a build refuses, each with the reason it gives; nothing is written into any.
  @Test(arguments: [
    ("content", "it overlaps the content folder"),
    ("content/partners", "it overlaps the content folder"),
    ("templates", "it overlaps the templates folder"),
    ("templates/partials", "it overlaps the templates folder"),
    ("repo/.git", "it is inside a git repository's .git folder"),
    ("repo/.git/objects", "it is inside a git repository's .git folder"),
    ("repo", "it is the root of a git repository (it holds a .git folder)"),
    ("bare.git", "it is a git repository"),
    ("home", "it is a home folder or holds one"),
    ("/", "it is the root folder"),
  ])
  func foldersThatAreNotASitesAreRefusedWithExit64(output: String, reason: String) throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 2, cases: 1, seed: 5)
      let templates = folder.appendingPathComponent("templates")
      try write("{{title}}", to: templates.appendingPathComponent("partials/extra.mustache"))
      let setUp = try shell(
        "cd '\(folder.path)' && git init -q repo && git init -q --bare bare.git && mkdir home")
      try #require(setUp.status == 0, "\(setUp.output)")
      let target = output.hasPrefix("/") ? URL(fileURLWithPath: output) : folder.appendingPathComponent(output)
      let before = try shell("find '\(folder.path)' | sort").output
      let run = try runAccredit(
        [
          "build", "--content", content.path, "--templates", templates.path, "--output", target.path,
          "--as-of", "2026-11-15", "--cache", "/nonexistent-cache-is-never-written",
        ], environment: ["HOME": folder.appendingPathComponent("home").path])
      #expect(run.status == 64, "\(run.err)")
      #expect(run.err.contains("error: refusing to build into '\(target.path)': \(reason)"), "\(run.err)")
      #expect(try shell("find '\(folder.path)' | sort").output == before)
    }
  }

  @Test func aLinkedWorkTreeIsAPlaceToPublishAndItsGitFileIsKept() throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 3, cases: 1, seed: 6)
      let output = folder.appendingPathComponent("public")
      try write("gitdir: /elsewhere/.git/worktrees/public\n", to: output.appendingPathComponent(".git"))
      let built = try build(content, into: output)
      #expect(built.report.kept == [".git"])
      #expect(text(output.appendingPathComponent(".git")) == "gitdir: /elsewhere/.git/worktrees/public\n")
    }
  }

  @Test func aFolderNamedPagefindThatPagefindDidNotWriteIsKept() throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 3, cases: 1, seed: 15)
      let output = folder.appendingPathComponent("public")
      try write("mine\n", to: output.appendingPathComponent("pagefind/notes.txt"))
      _ = try build(content, into: output)
      _ = try build(content, into: output, clean: true)
      #expect(text(output.appendingPathComponent("pagefind/notes.txt")) == "mine\n")
    }
  }

  @Test func anOutputThatIsALinkIsWrittenThroughAndStaysALink() throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 3, cases: 1, seed: 7)
      let real = folder.appendingPathComponent("www/site")
      try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
      let link = folder.appendingPathComponent("public")
      try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
      _ = try build(content, into: link)
      _ = try build(content, into: link, clean: true)
      let kind = try FileManager.default.attributesOfItem(atPath: link.path)[.type] as? FileAttributeType
      #expect(kind == .typeSymbolicLink)
      #expect(FileManager.default.fileExists(atPath: real.appendingPathComponent("index.html").path))
    }
  }

  @Test func anOutputFolderWithANameOf240BytesBuildsAndRebuildsClean() throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 3, cases: 1, seed: 8)
      let output = folder.appendingPathComponent(String(repeating: "s", count: 240))
      _ = try build(content, into: output)
      _ = try build(content, into: output, clean: true)
      #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path))
      let beside = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      #expect(beside.filter { $0.contains("staging") || $0.contains("-old-") }.isEmpty, "\(beside)")
    }
  }
}

/// Issue 20: a folder or file that cannot be read is an error at its path, never an empty folder.
@Suite("Hardening: unreadable content is an error", .serialized)
struct UnreadableContentTests {
  private func check(_ content: URL, user: String) throws -> Run {
    try runAccredit(["check", "--content", content.path, "--cache", content.path + "/../cache-\(user)"], user: user)
  }

  /// Content in a folder the unprivileged user can read and write, as can root.
  private func sharedContent(in folder: URL) throws -> URL {
    let content = try generatedContent(in: folder, partners: 4, cases: 2, seed: 9)
    try shell("chmod -R a+rwX '\(folder.path)'")
    return content
  }

  @Test(arguments: ["cases/FIRST", "faq", "partners"])
  func aFolderThatCannotBeListedIsAnErrorAndTheBuildWritesNothing(folderPath: String) throws {
    guard let user = try unprivilegedUser() else { return }
    try withTemporaryFolder { folder in
      let content = try sharedContent(in: folder)
      try FileManager.default.createDirectory(
        at: content.appendingPathComponent("faq"), withIntermediateDirectories: true)
      try Data("---\nquestion: Why?\n---\nBecause.\n".utf8).write(to: content.appendingPathComponent("faq/why.md"))
      let firstPartner = try #require(
        try FileManager.default.contentsOfDirectory(atPath: content.appendingPathComponent("cases").path).min())
      let path = folderPath.replacingOccurrences(of: "FIRST", with: firstPartner)
      let output = folder.appendingPathComponent("public")
      try shell("chmod -R a+rwX '\(folder.path)'")
      let first = try runAccredit(
        ["build", "--content", content.path, "--output", output.path, "--as-of", "2026-11-15", "--quiet"], user: user)
      try #require(first.status == 0, "\(first.err)")
      let before = try filesBelow(output).mapValues(\.bytes)

      try shell("chmod 000 '\(content.appendingPathComponent(path).path)'")
      defer { _ = try? shell("chmod 755 '\(content.appendingPathComponent(path).path)'") }
      let checked = try check(content, user: user)
      #expect(checked.status == 1)
      #expect(
        checked.err.contains("\(content.path)/\(path):1:1: error: cannot list the folder: Permission denied (EACCES)"),
        "\(checked.err)")
      #expect(!checked.err.contains("no standards file"))
      let built = try runAccredit(
        ["build", "--content", content.path, "--output", output.path, "--as-of", "2026-11-15"], user: user)
      #expect(built.status == 1, "\(built.err)")
      #expect(try filesBelow(output).mapValues(\.bytes) == before)
    }
  }

  @Test func anUnreadableContentRootNamesItself() throws {
    guard let user = try unprivilegedUser() else { return }
    try withTemporaryFolder { folder in
      let content = try sharedContent(in: folder)
      try shell("chmod 311 '\(content.path)'")
      defer { _ = try? shell("chmod 755 '\(content.path)'") }
      let checked = try check(content, user: user)
      #expect(checked.status == 1)
      #expect(
        checked.err.contains("cannot list the content folder '\(content.path)': Permission denied (EACCES)"),
        "\(checked.err)")
      #expect(!checked.err.contains("no standards file"), "\(checked.err)")
    }
  }

  @Test func anUnreadableFileIsAnErrorEvenWhenTheCachesKnowIt() throws {
    guard let user = try unprivilegedUser() else { return }
    try withTemporaryFolder { folder in
      let content = try sharedContent(in: folder)
      let output = folder.appendingPathComponent("public")
      let arguments = [
        "build", "--content", content.path, "--output", output.path, "--as-of", "2026-11-15",
        "--cache", folder.appendingPathComponent("cache").path,
      ]
      // Twice, and dated back: the second build's caches answer for every file without reading it.
      #expect(try runAccredit(arguments, user: user).status == 0)
      try redate(content, to: Date().addingTimeInterval(-3600))
      #expect(try runAccredit(arguments, user: user).status == 0)
      let partner = try #require(
        try FileManager.default.contentsOfDirectory(atPath: content.appendingPathComponent("partners").path).min())
      try shell("chmod 000 '\(content.appendingPathComponent("partners/\(partner)").path)'")
      let built = try runAccredit(arguments, user: user)
      #expect(built.status == 1, "\(built.out)\(built.err)")
      #expect(
        built.err.contains("partners/\(partner):1:1: error: cannot read the file: Permission denied (EACCES)"),
        "\(built.err)")
    }
  }

  @Test func aNameThatIsNotUTF8IsAnError() throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 3, cases: 1, seed: 10)
      let made = try shell(
        "mkdir \"\(content.path)/cases/x$(printf '\\377')\" && touch \"\(content.path)/faq$(printf '\\376').md\"")
      try #require(made.status == 0, "\(made.output)")
      let console = Captured()
      let code = Commands.check(try Check.parse(["--content", content.path]), console: console.console)
      #expect(code == 1)
      #expect(console.err.contains("/cases/x\u{FFFD}:1:1: error: name is not valid UTF-8"), "\(console.err)")
      #expect(!console.err.contains("faq\u{FFFD}.md"), "only the content folders' entries are read")
    }
  }
}

/// Issue 20: a write that fails (a full disk) leaves the folder exactly as it was, with no temporary file,
/// journal or staging folder; and a build never takes over a folder it cannot replace.
@Suite("Hardening: failed writes leave nothing behind", .serialized)
struct FailedWriteTests {
  private func leftovers(_ folder: URL) throws -> [String] {
    try shell(
      "find '\(folder.path)' -name '*accredit-tmp*' -o -name '.accredit-journal' -o -name '*accredit-staging*' -o -name '*accredit-old*'"
    )
    .output.split(separator: "\n").map(String.init)
  }

  @Test(arguments: ["write:1", "write:5", "manifest:1", "journal:1", "journal:2"])
  func aFullDiskDuringAnUpdateLeavesTheSiteAsItWas(failAt: String) throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 5, cases: 1, seed: 11)
      let output = folder.appendingPathComponent("public")
      let arguments = ["build", "--content", content.path, "--output", output.path, "--quiet"]
      #expect(try runAccredit(arguments + ["--as-of", "2026-01-15"]).status == 0)
      let before = try filesBelow(output).mapValues(\.bytes)
      let failed = try runAccredit(arguments + ["--as-of", "2026-02-15"], environment: ["ACCREDIT_FAIL_AT": failAt])
      #expect(failed.status == 73, "\(failed.err)")
      #expect(failed.err.contains("No space left on device"), "\(failed.err)")
      #expect(try filesBelow(output).mapValues(\.bytes) == before)
      #expect(try leftovers(folder) == [])
    }
  }

  @Test(arguments: ["write:3", "manifest:1"])
  func aFullDiskDuringAFullBuildLeavesNoStagingFolder(failAt: String) throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 5, cases: 1, seed: 12)
      let output = folder.appendingPathComponent("public")
      let failed = try runAccredit(
        ["build", "--content", content.path, "--output", output.path, "--as-of", "2026-01-15"],
        environment: ["ACCREDIT_FAIL_AT": failAt])
      #expect(failed.status == 73, "\(failed.err)")
      #expect(!FileManager.default.fileExists(atPath: output.path))
      #expect(try leftovers(folder) == [])
    }
  }

  @Test func aRealFullDiskLeavesTheSiteAsItWas() throws {
    guard geteuid() == 0, try shell("command -v unshare").status == 0 else { return }
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 40, cases: 2, seed: 13)
      let disk = folder.appendingPathComponent("disk")
      try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
      // A small tmpfs in a mount namespace of its own: the first build fits, a second copy of the site does not.
      let output = disk.appendingPathComponent("public")
      let build =
        "nice -n 10 '\(accreditExecutable.path)' build --content '\(content.path)' --output '\(output.path)' --quiet"
      let script = """
        mount -t tmpfs -o size=3m tmpfs '\(disk.path)' || exit 90
        \(build) --as-of 2026-01-15 || exit 91
        find '\(output.path)' -type f | sort | xargs md5sum > '\(folder.path)/before'
        head -c 1400000 /dev/zero > '\(disk.path)/filler'
        \(build) --as-of 2026-06-15 --clean 2> '\(folder.path)/err'; echo $? > '\(folder.path)/status'
        \(build) --as-of 2026-06-15 2>> '\(folder.path)/err'; echo $? >> '\(folder.path)/status'
        find '\(output.path)' -type f | sort | xargs md5sum > '\(folder.path)/after'
        find '\(disk.path)' -name '*accredit-tmp*' -o -name '*.accredit-journal' -o -name '*accredit-staging*' > '\(folder.path)/left'
        """
      let ran = try shell("unshare -m sh -c \"$(cat <<'EOS'\n\(script)\nEOS\n)\"")
      guard ran.status != 90 else { return }  // no tmpfs here (a container without the capability)
      try #require(ran.status == 0, "\(ran.output)")
      let read = { (name: String) in
        (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
      }
      let statuses = read("status").split(separator: "\n")
      #expect(statuses.count == 2 && statuses.allSatisfy { $0 == "73" }, "\(read("status")) \(read("err"))")
      #expect(read("err").contains("No space left on device"), "\(read("err"))")
      #expect(!read("before").isEmpty && read("before") == read("after"))
      #expect(read("left").isEmpty, "\(read("left"))")
    }
  }

  @Test func aFolderOfAnotherUserThatCannotBeWrittenFailsWithNothingLeftBeside() throws {
    guard let user = try unprivilegedUser() else { return }
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 3, cases: 1, seed: 14)
      let output = folder.appendingPathComponent("site")
      #expect(try runAccredit(["build", "--content", content.path, "--output", output.path, "--quiet"]).status == 0)
      try shell("chmod -R a+rX '\(folder.path)' && chmod a+rwx '\(folder.path)' && chmod 555 '\(output.path)'")
      let before = try filesBelow(output).mapValues(\.bytes)
      let run = try runAccredit(
        ["build", "--clean", "--content", content.path, "--output", output.path, "--cache", folder.path + "/c"],
        user: user)
      #expect(run.status == 73, "\(run.err)")
      #expect(run.err.contains("Permission denied"), "\(run.err)")
      #expect(try filesBelow(output).mapValues(\.bytes) == before)
      #expect(try leftovers(folder) == [])
    }
  }
}
