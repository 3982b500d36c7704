@testable import AccreditServe
import Foundation
import Testing

/// How long these tests wait for a build: only a failing test waits it out, and with the whole suite on
/// two cores a build that takes 100 ms alone can take seconds.
let patience = Duration.seconds(20)

/// What the preview server notices under inotify (the Linux default): template edits, a content folder
/// given as a symbolic link, a content folder replaced while it serves.
@Suite("Preview server: watching", .serialized)
struct ServeWatchTests {
  private let note = "cases/northwind-digital/NW-2026-019.md"
  private let notePage = "/partners/northwind-digital/cases/NW-2026-019/"

  private func served(_ client: LiveClient, _ path: String) async throws -> String {
    try await client.execute(uri: path, method: .get).text
  }

  /// Saves `change` and waits for a build that follows it (good or failed).
  private func edit(_ preview: Preview, _ what: String, _ change: () throws -> Void) async throws {
    let before = preview.server.generation
    try change()
    try await waitUntil("for a build after \(what); log: \(preview.log.err)", timeout: patience) {
      preview.server.generation > before
    }
  }

  @Test func aTemplateEditRebuildsTheSiteAndALaterNoteEditUsesIt() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      #expect(preview.server.rebuild())
      try await preview.server.live { client in
        let layout = try String(
          contentsOf: repositoryRoot.appendingPathComponent("site-templates/layout.mustache"), encoding: .utf8)
        try await edit(preview, "a template edit") {
          try Data(layout.replacingOccurrences(of: "</footer>", with: "<p>TEMPLATE-MARKER</p></footer>").utf8)
            .write(to: preview.templates.appendingPathComponent("layout.mustache"))
        }
        #expect(!preview.log.err.contains("(0 rendered: case notes edited)"))
        #expect(try await served(client, "/partners/northwind-digital/").contains("TEMPLATE-MARKER"))
        #expect(try await served(client, notePage).contains("TEMPLATE-MARKER"))

        // The note edit that follows still takes the fast path, with the new templates.
        try await edit(preview, "a note edit") {
          try preview.write(note, try preview.read(note) + "\nA call about **Zebra Crossings**.\n")
        }
        try await waitUntil("for the note edit's log line") {
          preview.log.err.contains("(1 rendered: case notes edited)")
        }
        let page = try await served(client, notePage)
        #expect(page.contains("<strong>Zebra Crossings</strong>") && page.contains("TEMPLATE-MARKER"))
      }
    }
  }

  @Test(arguments: [true, false])
  func aContentFolderGivenAsALinkIsWatched(withTemplates: Bool) async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder, contentIsLink: true, watchesTemplates: withTemplates)
      #expect(preview.server.notifier != nil, "inotify, not polling")
      #expect(!preview.log.err.contains("polling"))
      #expect(preview.server.rebuild())
      try await preview.server.live { client in
        try await edit(preview, "a note edit through the link") {
          try preview.write(note, try preview.read(note) + "\nA call about **Zebra Crossings**.\n")
        }
        try await waitUntil("for the note path's log line, through the link") {
          preview.log.err.contains("(1 rendered: case notes edited)")
        }
        #expect(try await served(client, notePage).contains("<strong>Zebra Crossings</strong>"))
      }
    }
  }

  @Test func aContentFolderReplacedWhileServingIsWatchedAgain() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      #expect(preview.server.rebuild())
      try await preview.server.live { client in
        // What some editors and `git worktree` tools do: `mv content content.old && cp -a content.old content`.
        let old = folder.appendingPathComponent("content.old")
        try await edit(preview, "the folder moved away") {
          try FileManager.default.moveItem(at: preview.content, to: old)
        }
        #expect(try await served(client, "/").contains("accredit-overlay"), "no content folder: an error")
        try await edit(preview, "the folder put back") {
          let copy = Process()
          copy.executableURL = URL(fileURLWithPath: "/bin/cp")
          copy.arguments = ["-a", old.path, preview.content.path]
          try copy.run()
          copy.waitUntilExit()
        }
        try await waitUntil("for a good build; log: \(preview.log.err)", timeout: patience) {
          preview.server.state.snapshot.problems == nil
        }
        #expect(try await !served(client, "/").contains("accredit-overlay"))

        // Edits in the new folder are seen, and edits in the old one are not.
        try await edit(preview, "a note edit in the new folder") {
          try preview.write(note, try preview.read(note) + "\nA call about **Zebra Crossings**.\n")
        }
        #expect(try await served(client, notePage).contains("<strong>Zebra Crossings</strong>"))
        let generation = preview.server.generation
        try Data("---\nbroken".utf8).write(to: old.appendingPathComponent(note))
        try await Task.sleep(for: .milliseconds(400))
        #expect(preview.server.generation == generation)
      }
    }
  }

  @Test func theSameReplacementUnderAPolledServerIsSeenToo() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder, poll: true)
      #expect(preview.server.rebuild())
      try await preview.server.live { client in
        let old = folder.appendingPathComponent("content.old")
        try FileManager.default.moveItem(at: preview.content, to: old)
        try FileManager.default.copyItem(at: old, to: preview.content)
        try await edit(preview, "a note edit in the new folder") {
          try preview.write(note, try preview.read(note) + "\nA call about **Zebra Crossings**.\n")
        }
        try await waitUntil("for the edit to be served; log: \(preview.log.err)", timeout: patience) {
          preview.server.state.snapshot.files[String(notePage.dropFirst()) + "index.html"].map {
            String(decoding: $0.bytes, as: UTF8.self).contains("<strong>Zebra Crossings</strong>")
          } ?? false
        }
        #expect(try await !served(client, "/").contains("accredit-overlay"))
      }
    }
  }

  /// The notifier tells a save under way from a save done: a file created or written and still open is
  /// being written, and closed or renamed into place it is not. The server waits out the first
  /// (`quietPeriod`) and rebuilds 5 ms after the second (`settledPeriod`).
  @Test func theNotifierTellsASaveUnderWayFromASaveDone() throws {
    try withTemporaryFolder { folder in
      let notifier = try #require(ChangeNotifier.make(watching: [folder]))
      let path = folder.appendingPathComponent("note.md").path
      let descriptor = open(path, O_CREAT | O_WRONLY, 0o644)
      try #require(descriptor >= 0)
      #expect(notifier.wait(timeout: .seconds(1)) && notifier.isWriting, "created, still open")
      #expect(write(descriptor, "---\nid: A\n", 10) == 10)
      _ = notifier.wait(timeout: .milliseconds(100))
      #expect(notifier.isWriting, "written, still open")
      close(descriptor)
      #expect(notifier.wait(timeout: .seconds(1)) && !notifier.isWriting, "closed")
      #expect(notifier.takeChanges().files[0] == ["note.md"])

      // Written again and left open, then replaced by a file renamed into place (an editor's safe save).
      let again = open(path, O_WRONLY | O_APPEND)
      #expect(write(again, "x", 1) == 1)
      #expect(notifier.wait(timeout: .seconds(1)) && notifier.isWriting)
      try Data("---\nid: B\n".utf8).write(to: folder.appendingPathComponent(".note.md.tmp"))
      #expect(rename(folder.appendingPathComponent(".note.md.tmp").path, path) == 0)
      #expect(notifier.wait(timeout: .seconds(1)) && !notifier.isWriting, "renamed into place")
      close(again)
      // A file still open when the changes are taken is written again before it is closed, and reported then.
      let third = open(path, O_WRONLY | O_APPEND)
      #expect(write(third, "y", 1) == 1)
      #expect(notifier.wait(timeout: .seconds(1)) && notifier.isWriting)
      _ = notifier.takeChanges()
      #expect(!notifier.isWriting)
      close(third)
    }
  }
}
