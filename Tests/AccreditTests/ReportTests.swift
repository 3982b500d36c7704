import AccreditCLI
import AccreditContent
import AccreditEngine
import AccreditReports
import AccreditSupport
import ArgumentParser
import Foundation
import Testing

@Suite("Reports: changes and upcoming", .serialized)
struct ReportTests {
  /// Runs git in `folder`, failing the test when it fails.
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

  private func write(_ files: [String: String], under folder: URL) throws {
    for (path, text) in files {
      let url = folder.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
  }

  @Test func changesBetweenTwoCommitsAreReportedLineByLine() throws {
    try withTemporaryFolder { repository in
      let content = repository.appendingPathComponent("content")
      try write(Tree().files, under: content)
      try write(
        [
          "partners/alpha.yaml": healthyPartner.replacingOccurrences(of: "Test Partner", with: "Alpha Digital"),
          "partners/beta.yaml": healthyPartner.replacingOccurrences(of: "Test Partner", with: "Beta Works"),
          "partners/gamma.yaml": healthyPartner.replacingOccurrences(of: "Test Partner", with: "Gamma Group"),
        ], under: content)
      try git(["init", "-q", "-b", "main"], in: repository)
      try git(["add", "-A"], in: repository)
      try git(["commit", "-q", "-m", "first"], in: repository)

      // Alpha's sales certification expired; Beta dropped to gold; Gamma is gone; Delta is new.
      try write(
        [
          "partners/alpha.yaml": healthyPartner.replacingOccurrences(of: "Test Partner", with: "Alpha Digital")
            .replacingOccurrences(of: "expires: 2027-06-01", with: "expires: 2026-10-15"),
          "partners/beta.yaml": healthyPartner.replacingOccurrences(of: "Test Partner", with: "Beta Works")
            .replacingOccurrences(of: "tier: platinum", with: "tier: gold"),
          "partners/delta.yaml": healthyPartner.replacingOccurrences(of: "Test Partner", with: "Delta Labs"),
        ], under: content)
      try FileManager.default.removeItem(at: content.appendingPathComponent("partners/gamma.yaml"))
      try git(["add", "-A"], in: repository)
      try git(["commit", "-q", "-m", "second"], in: repository)
      let before = try git(["status", "--porcelain"], in: repository)

      let captured = Captured()
      let command = try #require(
        try Accredit.parseAsRoot([
          "changes", "--from", "HEAD~1", "--to", "HEAD", "--content", content.path, "--as-of", "2026-11-15",
          "--fail-on", "ineligible",
        ]) as? Changes)
      let code = Commands.changes(command, console: captured.console)
      #expect(
        captured.out == """
          Alpha Digital · CRM Implementation: accredited → at-risk (Sales Software expired 15 Oct 2026)
          Beta Works: tier platinum → gold
          Beta Works · CRM Implementation: accredited → ineligible (Tier gold (reviewed 15 Jan 2026) is below the eligible tiers (platinum, diamond, elite) and no grace period covers 15 Nov 2026)
          New partner: Delta Labs (platinum, 1 accreditation)
          Partner removed: Gamma Group

          """)
      #expect(code == 2, "a change landed in ineligible")
      #expect(try git(["status", "--porcelain"], in: repository) == before, "the working tree is untouched")

      let markdown = try #require(
        try Accredit.parseAsRoot([
          "changes", "--from", "HEAD~1", "--to", "HEAD", "--content", content.path, "--as-of", "2026-11-15",
          "--format", "markdown",
        ]) as? Changes)
      let second = Captured()
      #expect(Commands.changes(markdown, console: second.console) == 0, "no --fail-on: exit 0")
      #expect(second.out.hasPrefix("### Accreditation status changes\n"))
      #expect(second.out.contains("\n- Partner removed: Gamma Group\n"))
    }
  }

  @Test func changesEvaluatesAsOfTheSiteDateWhenNoDateIsGiven() throws {
    // The sample's site.yaml says as_of: 2026-11-15; the site and its changes report must agree on the date.
    let content = repositoryRoot.appendingPathComponent("content").path
    let captured = Captured()
    let command = try #require(
      try Accredit.parseAsRoot(["changes", "--from", content, "--content", content, "--format", "markdown"])
        as? Changes)
    #expect(Commands.changes(command, console: captured.console, today: Day("2031-01-01")) == 0)
    #expect(captured.out.contains("15 Nov 2026"), "\(captured.out)")
    #expect(!captured.out.contains("2031"))
  }

  @Test func anUnknownRevisionIsABadUsage() throws {
    try withTemporaryFolder { repository in
      try git(["init", "-q"], in: repository)
      let captured = Captured()
      let command = try #require(
        try Accredit.parseAsRoot([
          "changes", "--from", "no-such-revision", "--content", repository.path, "--as-of", "2026-11-15",
        ]) as? Changes)
      #expect(Commands.changes(command, console: captured.console) == 64)
      #expect(captured.err.contains("is neither a status.json, a content folder nor a git revision"))
    }
  }

  @Test func upcomingListsTheSampleEventsInDateOrder() throws {
    let captured = Captured()
    let command = try #require(
      try Accredit.parseAsRoot([
        "upcoming", "--content", repositoryRoot.appendingPathComponent("content").path, "--days", "30",
      ]) as? Upcoming)
    #expect(Commands.upcoming(command, console: captured.console) == 0)
    #expect(
      captured.out == """
        20 Nov 2026 · Tailspin Interactive · Data Integration is evaluated — Data Integration: at-risk
        30 Nov 2026 · Lakeshore Analytics · Onboarding Excellence is evaluated — Onboarding Excellence: accredited, Platform Migration: accredited
        1 Dec 2026 · Quarry Lane Digital · certification Sales Software Implementation expires — Commerce Setup: accredited → at-risk, CRM Implementation: revoked
        10 Dec 2026 · Quarry Lane Digital · Commerce Setup is evaluated — Commerce Setup: accredited → at-risk, CRM Implementation: revoked

        """)
  }

  @Test func upcomingIncludesTierReviewsAndGraceEnds() throws {
    let loaded = ContentLoader.load(try ContentFolder.read(repositoryRoot.appendingPathComponent("content")).files)
    let events = UpcomingEvents.within(
      days: 60, after: Day("2026-11-15"), partners: loaded.content.partners, cases: loaded.content.cases,
      standards: loaded.content.standards)
    #expect(events.map(\.date) == events.map(\.date).sorted())
    #expect(events.contains { $0.kind == .tierReview && $0.date == Day("2027-01-01") })
    let grace = try #require(events.first { $0.kind == .graceEnds })
    #expect(grace.partnerName == "Summit Peak Partners")
    #expect(grace.date == Day("2026-12-31"))
  }

  @Test func aLinkOutOfTheContentFolderInAGitRevisionOrTheWorkingTreeIsRefused() throws {
    try withTemporaryFolder { repository in
      let content = repository.appendingPathComponent("content")
      try write(Tree(["partners/alpha.yaml": healthyPartner]).files, under: content)
      try write(["secret.yaml": "name: SECRET-VALUE\n"], under: repository)
      try FileManager.default.createSymbolicLink(
        atPath: content.appendingPathComponent("partners/leak.yaml").path,
        withDestinationPath: repository.appendingPathComponent("secret.yaml").path)
      try git(["init", "-q", "-b", "main"], in: repository)
      try git(["add", "-A"], in: repository)
      try git(["commit", "-q", "-m", "a link out"], in: repository)

      let changes = Captured()
      let command = try #require(
        try Accredit.parseAsRoot([
          "changes", "--from", "HEAD", "--to", "HEAD", "--content", content.path, "--as-of", "2026-11-15",
        ]) as? Changes)
      #expect(Commands.changes(command, console: changes.console) == 1)
      #expect(
        changes.err.contains(
          "HEAD:content/partners/leak.yaml:1:1: error: symbolic link to a file outside the content folder"))
      #expect(!(changes.out + changes.err).contains("SECRET-VALUE"))

      let upcoming = Captured()
      let upcomingCommand = try #require(
        try Accredit.parseAsRoot(["upcoming", "--content", content.path, "--as-of", "2026-11-15"]) as? Upcoming)
      #expect(Commands.upcoming(upcomingCommand, console: upcoming.console) == 1)
      #expect(
        upcoming.err.contains("partners/leak.yaml:1:1: error: symbolic link to a file outside the content folder"))
      #expect(!(upcoming.out + upcoming.err).contains("SECRET-VALUE"))
    }
  }

  @Test func changesReadsStatusFilesWithANullOrAnOldDateAsNextEvaluation() throws {
    try withTemporaryFolder { folder in
      let revoked =
        healthyPartner.replacingOccurrences(of: "Test Partner", with: "Alpha")
        + "\ndecisions:\n  - { date: 2026-09-01, accreditation: crm, outcome: revoke, director_approval: true }"
      let document = StatusDocument(
        evaluations: Tree(["partners/alpha.yaml": revoked]).evaluations(asOf: "2026-11-15"), asOf: Day("2026-11-15"),
        contentName: "content")
      let new = document.json.serialized()
      #expect(new.contains("\"next_evaluation\": null"), "a revoked accreditation has no next evaluation")
      // A status.json written before that rule carried a date for it.
      let old = new.replacingOccurrences(of: "\"next_evaluation\": null", with: "\"next_evaluation\": \"2027-03-15\"")
        .replacingOccurrences(of: "\"status\": \"revoked\"", with: "\"status\": \"accredited\"")
      let oldURL = folder.appendingPathComponent("old.json")
      let newURL = folder.appendingPathComponent("new.json")
      try Data(old.utf8).write(to: oldURL)
      try Data(new.utf8).write(to: newURL)
      let captured = Captured()
      let command = try #require(
        try Accredit.parseAsRoot([
          "changes", "--from", oldURL.path, "--to", newURL.path, "--content", folder.path, "--as-of", "2026-11-15",
        ]) as? Changes)
      #expect(Commands.changes(command, console: captured.console) == 0, "\(captured.err)")
      #expect(captured.out == "Alpha · crm: accredited → revoked\n")
    }
  }

  @Test func theStatusDocumentReadsBackWhatTheBuildWrites() throws {
    let loaded = ContentLoader.load(try ContentFolder.read(repositoryRoot.appendingPathComponent("content")).files)
    let evaluations = Evaluator(standards: loaded.content.standards)
      .evaluate(loaded.content.partners, cases: loaded.content.cases, asOf: Day("2026-11-15"))
    let document = StatusDocument(evaluations: evaluations, asOf: Day("2026-11-15"), contentName: "content")
    let written = Data(document.json.serialized().utf8)
    #expect(try JSONDecoder().decode(StatusDocument.self, from: written) == document)
    let snapshot = try StatusSnapshot(statusJSON: written)
    #expect(snapshot.partners == StatusSnapshot(evaluations: evaluations, asOf: Day("2026-11-15")).partners)
  }

  @Test(arguments: [
    ("\"name\": \"Alpha\",", "", "partners[0].name: missing"),
    ("\"marks\": 0,", "\"marks\": \"none\",", "partners[0].marks: expected a whole number"),
    ("\"status\": \"accredited\",", "\"status\": null,", "partners[0].accreditations[0].status: expected a string"),
    ("\"schema\": 1,", "\"schema\": 7,", "schema: 7 is not a schema this accredit reads (1)"),
  ])
  func aStatusFileWithAMissingOrMistypedFieldIsAPositionedError(find: String, replace: String, message: String)
    throws
  {
    let document = StatusDocument(
      evaluations: Tree(["partners/alpha.yaml": healthyPartner.replacingOccurrences(of: "Test Partner", with: "Alpha")])
        .evaluations(asOf: "2026-11-15"), asOf: Day("2026-11-15"), contentName: "content")
    let text = document.json.serialized()
    #expect(text.contains(find), "the fixture has \(find)")
    do {
      _ = try StatusSnapshot(statusJSON: Data(text.replacingOccurrences(of: find, with: replace).utf8))
      Issue.record("no error for \(message)")
    } catch {
      #expect(error.description == message)
    }
  }
}
