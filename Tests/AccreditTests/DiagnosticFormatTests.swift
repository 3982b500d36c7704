import AccreditContent
import AccreditEngine
import AccreditSite
import Testing

@Suite("Diagnostics as printed")
struct DiagnosticFormatTests {
  private func report(_ files: [String: String]) -> String {
    let loaded = Tree(files).load()
    return DiagnosticFormatter(root: "content", sources: loaded.content.sources).report(loaded.diagnostics)
  }

  @Test func unknownKeyWithSuggestionAndCaret() {
    let text = report(["partners/a.yaml": "name: A\nteir:\n  - { reviewed: 2026-01-15, tier: gold }\n"])
    #expect(
      text == """
        content/partners/a.yaml:1:1: error: partner has no tier entry: add one under 'tiers', e.g. { reviewed: 2026-06-30, tier: platinum }
        name: A
        ^
        content/partners/a.yaml:2:1: error: unknown key 'teir' in partner record (did you mean 'tiers'?)
        teir:
        ^
        2 errors, 0 warnings

        """)
  }

  @Test func caretUnderTheValueInAFlowMapping() {
    let text = report([
      "partners/a.yaml": "name: A\ntiers:\n  - { reviewed: 2026-03-31, tier: platnum }\n"
    ])
    #expect(
      text == """
        content/partners/a.yaml:3:17: warning: tier review dated 2026-03-31 falls outside the tier review months (January and June)
          - { reviewed: 2026-03-31, tier: platnum }
                        ^
        content/partners/a.yaml:3:35: error: unknown tier 'platnum' (did you mean 'platinum'?); tiers are partner, gold, platinum, diamond, elite
          - { reviewed: 2026-03-31, tier: platnum }
                                          ^
        1 error, 1 warning

        """)
  }

  @Test func caseFrontMatterLinesCountFromTheFileStart() {
    let text = report([
      "partners/a.yaml": "name: A\ntiers:\n  - { reviewed: 2026-01-15, tier: gold }\n",
      "cases/a/C-1.md":
        "---\ncustomer: X\nsteps:\n  - { stage: complaint, date: 2026-01-01 }\noutcome: { decision: mark, date: 2026-02-01 }\n---\nBody\n",
    ])
    #expect(
      text == """
        content/cases/a/C-1.md:5:10: error: a mark is only placed by the review board, but this case only reached 'complaint'
        outcome: { decision: mark, date: 2026-02-01 }
                 ^
        1 error, 0 warnings

        """)
  }

  @Test func jsonListsEveryField() {
    let loaded = Tree(["partners/a.yaml": "name: A\nteir: x\ntiers: [{ reviewed: 2026-01-15, tier: gold }]\n"]).load()
    let json = DiagnosticFormatter(root: "content", sources: [:]).json(loaded.diagnostics)
    #expect(
      json == """
        [
          {
            "path": "content/partners/a.yaml",
            "line": 2,
            "column": 1,
            "severity": "error",
            "message": "unknown key 'teir' in partner record (did you mean 'tiers'?)"
          }
        ]

        """)
  }
}

@Suite("Diagnostics as GitHub workflow commands")
struct GitHubFormatTests {
  @Test func everyProblemIsAWorkflowCommandWithItsPosition() {
    let loaded = Tree([
      "partners/a.yaml": "name: A\nteir: x\ntiers: [{ reviewed: 2026-03-15, tier: gold }]\n"
    ]).load()
    let output = DiagnosticFormatter(root: "content", sources: [:]).github(loaded.diagnostics)
    #expect(
      output == """
        ::error file=content/partners/a.yaml,line=2,col=1::unknown key 'teir' in partner record (did you mean 'tiers'?)
        ::warning file=content/partners/a.yaml,line=3,col=21::tier review dated 2026-03-15 falls outside the tier review months (January and June)

        """)
  }

  @Test func escapesWhatWorkflowCommandsReserve() throws {
    let diagnostic = Diagnostic(
      .error, at: SourceLocation(file: "partners/a,b:c.yaml", line: 1, column: 1), "50% done\nnext line")
    let output = DiagnosticFormatter(root: "content", sources: [:]).github([diagnostic])
    #expect(output == "::error file=content/partners/a%2Cb%3Ac.yaml,line=1,col=1::50%25 done%0Anext line\n")
  }
}
