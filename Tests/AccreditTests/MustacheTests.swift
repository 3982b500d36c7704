import AccreditMustache
import Testing

/// The Mustache engine against each rule of specification v1.4 with inheritance, and against our own extras.
@Suite("Mustache")
struct MustacheTests {
  /// One rule: the template `main`, the templates it names, the data and what the rule says comes out.
  struct Case: CustomTestStringConvertible, Sendable {
    let rule: String
    let template: String
    let data: TemplateValue
    let partials: [String: String]
    let expected: String
    var testDescription: String { rule }

    init(
      _ rule: String, _ template: String, _ data: TemplateValue = [:], partials: [String: String] = [:],
      expect expected: String
    ) {
      self.rule = rule
      self.template = template
      self.data = data
      self.partials = partials
      self.expected = expected
    }
  }

  /// A template set that must not load, with the place and words of its one error.
  struct Broken: CustomTestStringConvertible, Sendable {
    let rule: String
    let template: String
    let partials: [String: String]
    let line: Int
    let column: Int
    let message: String
    let missingTemplate: String?
    var testDescription: String { rule }

    init(
      _ rule: String, _ template: String, partials: [String: String] = [:], at line: Int, _ column: Int,
      _ message: String, missing: String? = nil
    ) {
      self.rule = rule
      self.template = template
      self.partials = partials
      self.line = line
      self.column = column
      self.message = message
      self.missingTemplate = missing
    }
  }

  /// A template set that loads but whose rendering never ends unless the depth limit stops it.
  struct Runaway: CustomTestStringConvertible, Sendable {
    let rule: String
    let sources: [String: String]
    var testDescription: String { rule }
  }

  private func render(_ row: Case) throws -> String {
    var sources = row.partials
    sources["main"] = row.template
    let library = try TemplateLibrary(sources)
    return String(decoding: try library.render(row.data, with: "main"), as: UTF8.self)
  }

  // MARK: The specification

  @Test(arguments: interpolationCases)
  func interpolation(_ row: Case) throws {
    let output = try render(row)
    #expect(output == row.expected)
  }

  @Test(arguments: sectionCases)
  func sections(_ row: Case) throws {
    let output = try render(row)
    #expect(output == row.expected)
  }

  @Test(arguments: invertedCases)
  func invertedSections(_ row: Case) throws {
    let output = try render(row)
    #expect(output == row.expected)
  }

  @Test(arguments: commentCases)
  func comments(_ row: Case) throws {
    let output = try render(row)
    #expect(output == row.expected)
  }

  @Test(arguments: delimiterCases)
  func setDelimiters(_ row: Case) throws {
    let output = try render(row)
    #expect(output == row.expected)
  }

  @Test(arguments: partialCases)
  func partials(_ row: Case) throws {
    let output = try render(row)
    #expect(output == row.expected)
  }

  @Test(arguments: inheritanceCases)
  func inheritance(_ row: Case) throws {
    let output = try render(row)
    #expect(output == row.expected)
  }

  // MARK: Our deviations

  @Test(arguments: brokenCases)
  func aBrokenTemplateFailsToLoadWithThePlaceOfTheProblem(_ row: Broken) throws {
    var sources = row.partials
    sources["main"] = row.template
    let failure = try #require(throws: TemplateLibrary.Failure.self) { try TemplateLibrary(sources) }
    #expect(failure.errors.count == 1)
    let error = try #require(failure.errors.first)
    #expect(error.template == "main")
    #expect(error.line == row.line)
    #expect(error.column == row.column)
    #expect(error.message.contains(row.message), "\(error.message)")
    #expect(error.missingTemplate == row.missingTemplate)
  }

  @Test func everyBrokenTemplateIsReportedSortedByName() throws {
    let failure = try #require(throws: TemplateLibrary.Failure.self) {
      try TemplateLibrary(["b": "{{#x}}", "c": "fine", "a": "{{>nope}}"])
    }
    #expect(failure.errors.map(\.template) == ["a", "b"])
    #expect(failure.errors.map(\.missingTemplate) == ["nope", nil])
    #expect(
      failure.description == """
        a.mustache:1:1: error: partial 'nope' not found
        b.mustache:1:1: error: section 'x' is not closed: add '{{/x}}'
        """)
  }

  @Test(arguments: [
    Runaway(rule: "a partial that includes itself", sources: ["main": "x{{>main}}"]),
    Runaway(rule: "two partials that include each other", sources: ["main": "{{>a}}", "a": "{{>b}}", "b": "{{>a}}"]),
    Runaway(rule: "a parent that is its own parent", sources: ["main": "{{<main}}{{/main}}"]),
    Runaway(rule: "a block whose default includes its template", sources: ["main": "{{$b}}{{>main}}{{/b}}"]),
  ])
  func selfInclusionOutsideASectionHitsTheDepthLimit(_ row: Runaway) throws {
    let library = try TemplateLibrary(row.sources)
    let error = try #require(throws: RenderError.self) { try library.render([:], with: "main") }
    #expect(error.message.contains("nests more than \(TemplateLibrary.maximumDepth) levels deep"), "\(error)")
  }

  @Test func aTemplateDependsOnItsPartialsAndParentsThroughTheirsAndNothingElse() throws {
    let library = try TemplateLibrary([
      "page": "{{<frame}}{{$body}}{{#rows}}{{>row}}{{/rows}}{{/body}}{{/frame}}",
      "frame": "<main>{{$body}}{{/body}}</main>{{^quiet}}{{>nav}}{{/quiet}}",
      "nav": "<nav>{{#links}}{{>link}}{{/links}}</nav>",
      "link": "<a>{{.}}</a>",
      "row": "<p>{{>cell}}</p>",
      "cell": "{{x}}",
      "loop": "{{#more}}{{>loop}}{{/more}}",
      "unused": "{{>cell}}",
    ])
    #expect(library.dependencies(of: "page") == ["cell", "frame", "link", "nav", "page", "row"])
    #expect(library.dependencies(of: "row") == ["cell", "row"])
    #expect(library.dependencies(of: "loop") == ["loop"])
    #expect(library.dependencies(of: "cell") == ["cell"])
    #expect(library.dependencies(of: "missing") == [])
  }

  @Test func renderingAnUnknownTemplateIsAnError() throws {
    let library = try TemplateLibrary(["main": "x"])
    #expect(library.names == ["main"])
    #expect(library.contains("main") && !library.contains("other"))
    #expect(throws: RenderError.self) { try library.render([:], with: "other") }
  }

  // MARK: TemplateEncoder

  @Test func encodingKeepsDeclarationOrder() throws {
    let value = try TemplateEncoder.encode(Model.Unsorted())
    #expect(value == ["zebra": 1, "apple": "a", "mango": true, "kiwi": 0.5])
    guard case .object(let object) = value else {
      Issue.record("not an object: \(value)")
      return
    }
    #expect(object.fields.map(\.name) == ["zebra", "apple", "mango", "kiwi"])
  }

  @Test func encodingNestsStructsAndArrays() throws {
    #expect(
      try TemplateEncoder.encode(Model.article) == [
        "title": "Notes", "author": ["name": "Ann", "age": 30], "tags": ["a", "b"], "ratings": [4.5, 3.0],
        "draft": false, "reviewers": [["name": "Bo", "age": 41]], "grid": [[1, 2], [], [3]],
      ])
  }

  @Test func escapingFindsEveryEscapedByteWhereverItFallsInAWordOfEight() throws {
    let library = try TemplateLibrary(["main": "{{text}}"])
    func reference(_ text: String) -> String {
      text.map {
        switch $0 {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"": "&quot;"
        case "'": "&#39;"
        default: String($0)
        }
      }.joined()
    }
    // Each escaped byte, alone and in pairs, at every offset of texts of 1 to 20 bytes, among ASCII letters,
    // the bytes next to them in value (`%`, `=`, `?`) and a multi-byte character.
    for length in 1...20 {
      for position in 0..<length {
        for special in ["&", "<", ">", "\"", "'"] {
          let filler = Array("ab%=?éc9")
          var characters = (0..<length).map { String(filler[$0 % filler.count]) }
          characters[position] = special
          if position + 3 < length { characters[position + 3] = "<" }
          let text = characters.joined()
          let rendered = String(decoding: try library.render(["text": .string(text)], with: "main"), as: UTF8.self)
          #expect(rendered == reference(text), "\(text)")
        }
      }
    }
  }

  /// A model that makes its own value, which says where it came from.
  private struct Direct: TemplateRepresentable {
    let name = "Ann"
    var templateValue: TemplateValue { ["name": "made directly"] }
  }

  private struct Holder: Encodable {
    let people = [Direct()]
    let one: Direct? = Direct()
  }

  @Test func aTemplateRepresentableValueGivesItsOwnValueWhereverItIs() throws {
    #expect(try TemplateEncoder.encode(Direct()) == ["name": "made directly"])
    #expect(
      try TemplateEncoder.encode(Holder()) == ["people": [["name": "made directly"]], "one": ["name": "made directly"]])
    // The reference its value must equal: the `Encodable` conformance, all the way down.
    #expect(
      try TemplateEncoder.encodeThroughCodable(Holder()) == ["people": [["name": "Ann"]], "one": ["name": "Ann"]])
  }

  @Test func encodingScalars() throws {
    #expect(try TemplateEncoder.encode(true) == .bool(true))
    #expect(try TemplateEncoder.encode(42) == .int(42))
    #expect(try TemplateEncoder.encode(Int64(-3)) == .int(-3))
    #expect(try TemplateEncoder.encode(UInt8(7)) == .int(7))
    #expect(try TemplateEncoder.encode(2.5) == .double(2.5))
    #expect(try TemplateEncoder.encode(Float(0.5)) == .double(0.5))
    #expect(try TemplateEncoder.encode("text") == .string("text"))
    #expect(try TemplateEncoder.encode(Model.Tier.gold) == .string("gold"))
    #expect(
      try TemplateEncoder.encode(Model.Scalars()) == [
        "flag": true, "count": 3, "ratio": 0.75, "label": "x", "small": 9, "tier": "gold",
      ])
  }

  @Test func encodingANilOptionalGivesNull() throws {
    #expect(
      try TemplateEncoder.encode(Model.Optionals()) == [
        "text": nil, "number": nil, "flag": nil, "ratio": nil, "person": nil, "present": "here",
      ])
  }

  @Test func aNilOptionalStopsANameFromClimbing() throws {
    let library = try TemplateLibrary(["main": "{{#outer}}{{#inner}}[{{name}}]{{/inner}}{{/outer}}"])
    let encoded = try library.render(Model.Root(), with: "main")
    #expect(String(decoding: encoded, as: UTF8.self) == "[]")
    // A field that is missing, rather than null, does climb.
    let missing = try library.render(["outer": ["name": "outer", "inner": ["id": 1]]], with: "main")
    #expect(String(decoding: missing, as: UTF8.self) == "[outer]")
  }

  @Test func aModelRendersThroughItsEncodableConformance() throws {
    let library = try TemplateLibrary([
      "main": "{{title}} by {{author.name}}: {{#tags}}#{{.}} {{/tags}}{{^draft}}published{{/draft}}"
    ])
    let output = try library.render(Model.article, with: "main")
    #expect(String(decoding: output, as: UTF8.self) == "Notes by Ann: #a #b published")
  }
}

// MARK: - Models

private enum Model {
  struct Person: Encodable {
    var name: String
    var age: Int
  }

  struct Article: Encodable {
    var title: String
    var author: Person
    var tags: [String]
    var ratings: [Double]
    var draft: Bool
    var reviewers: [Person]
    var grid: [[Int]]
  }

  static let article = Article(
    title: "Notes", author: Person(name: "Ann", age: 30), tags: ["a", "b"], ratings: [4.5, 3], draft: false,
    reviewers: [Person(name: "Bo", age: 41)], grid: [[1, 2], [], [3]])

  struct Unsorted: Encodable {
    var zebra = 1
    var apple = "a"
    var mango = true
    var kiwi = 0.5
  }

  enum Tier: String, Encodable {
    case gold
  }

  struct Scalars: Encodable {
    var flag = true
    var count = 3
    var ratio = 0.75
    var label = "x"
    var small: UInt16 = 9
    var tier = Tier.gold
  }

  struct Optionals: Encodable {
    var text: String?
    var number: Int?
    var flag: Bool?
    var ratio: Double?
    var person: Person?
    var present: String? = "here"
  }

  struct Root: Encodable {
    var outer = Outer()
  }

  struct Outer: Encodable {
    var name = "outer"
    var inner = Inner()
  }

  struct Inner: Encodable {
    var name: String?
    var id = 1
  }
}

// MARK: - Interpolation

private let interpolationCases: [MustacheTests.Case] = [
  .init("text without tags is copied as it is", "No tags {, }, { { here.\n", expect: "No tags {, }, { { here.\n"),
  .init("a name is replaced by its value", "Hi {{who}}!", ["who": "Ann"], expect: "Hi Ann!"),
  .init("a value is not parsed as a template", "{{code}}", ["code": "{{who}}", "who": "Ann"], expect: "{{who}}"),
  .init(
    "double braces escape & < > \" and '", "{{html}}", ["html": "a & b < c > d \"e\" 'f'"],
    expect: "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;"),
  .init("triple braces do not escape", "{{{html}}}", ["html": "<b>&'\"</b>"], expect: "<b>&'\"</b>"),
  .init("an ampersand does not escape", "{{&html}}", ["html": "<b>&'\"</b>"], expect: "<b>&'\"</b>"),
  .init("integers render in decimal", "{{a}},{{b}},{{c}}", ["a": 42, "b": -7, "c": 0], expect: "42,-7,0"),
  .init("integers render unescaped too", "{{{n}}}/{{&n}}", ["n": 1200], expect: "1200/1200"),
  .init("decimals render as written", "{{x}} {{y}}", ["x": 2.5, "y": 3.14], expect: "2.5 3.14"),
  .init("decimals render unescaped too", "{{{x}}}/{{&x}}", ["x": 0.25], expect: "0.25/0.25"),
  .init("null renders as nothing", "[{{v}}|{{{v}}}|{{&v}}]", ["v": nil], expect: "[||]"),
  .init("a missing name renders as nothing", "[{{v}}|{{{v}}}|{{&v}}]", expect: "[||]"),
  .init(
    "a dotted name reaches into objects", "{{user.name}} / {{{user.name}}} / {{&user.name}}",
    ["user": ["name": "A&B"]], expect: "A&amp;B / A&B / A&B"),
  .init(
    "a dotted name may be of any depth", "{{a.b.c.d.e}}", ["a": ["b": ["c": ["d": ["e": "deep"]]]]],
    expect: "deep"),
  .init("a broken chain renders nothing", "[{{a.b.c}}]", ["a": ["x": 1]], expect: "[]"),
  .init(
    "a broken chain does not climb to resolve its later parts", "[{{a.b.c}}]", ["a": ["b": [:]], "c": "root"],
    expect: "[]"),
  .init(
    "the first part of a dotted name climbs the context stack", "{{#inner}}{{outer.name}}{{/inner}}",
    ["outer": ["name": "O"], "inner": ["x": 1]], expect: "O"),
  .init(
    "once the first part is found, the rest does not climb", "{{#inner}}[{{box.label}}]{{/inner}}",
    ["box": ["label": "outer"], "inner": ["box": ["other": 1]]], expect: "[]"),
  .init("a dotted name is never a single key", "[{{a.b}}]", ["a.b": "single"], expect: "[]"),
  .init("the implicit iterator renders the current value", "Hi {{.}}!", "you", expect: "Hi you!"),
  .init("the implicit iterator escapes like a name", "{{.}}|{{{.}}}|{{&.}}", "<&>", expect: "&lt;&amp;&gt;|<&>|<&>"),
  .init("the implicit iterator renders integers", "{{.}}", 7, expect: "7"),
  .init("the implicit iterator renders decimals", "{{.}}", 0.5, expect: "0.5"),
  .init("white space around a tag is kept", " | {{v}} | \n", ["v": "x"], expect: " | x | \n"),
  .init(
    "an interpolation alone on its line is not standalone", "a\n  {{v}}\n\t{{{v}}}\n {{&v}}\nb", ["v": "x"],
    expect: "a\n  x\n\tx\n x\nb"),
  .init("an empty interpolation alone on its line keeps the line", "a\n  {{none}}\nb", expect: "a\n  \nb"),
  .init("padding inside the braces is ignored", "[{{ v }}|{{{ v }}}|{{&  v\t}}]", ["v": "x"], expect: "[x|x|x]"),
]

// MARK: - Sections

private let sectionCases: [MustacheTests.Case] = [
  .init("true renders the section once", "<{{#ok}}yes{{/ok}}>", ["ok": true], expect: "<yes>"),
  .init("false skips the section", "<{{#ok}}yes{{/ok}}>", ["ok": false], expect: "<>"),
  .init("null is falsey", "<{{#ok}}yes{{/ok}}>", ["ok": nil], expect: "<>"),
  .init("a missing name is falsey", "<{{#ok}}yes{{/ok}}>", expect: "<>"),
  .init(
    "an object becomes the context", "{{#user}}{{name}} ({{age}}){{/user}}", ["user": ["name": "Ann", "age": 30]],
    expect: "Ann (30)"),
  .init(
    "names missing from the object climb to outer contexts", "{{#user}}{{name}} of {{team}}{{/user}}",
    ["team": "Blue", "user": ["name": "Ann"]], expect: "Ann of Blue"),
  .init(
    "a string opens the section with itself as the context", "{{#word}}{{.}} = {{word}}{{/word}}", ["word": "hi"],
    expect: "hi = hi"),
  .init(
    "a list renders once per item", "{{#items}}[{{name}}]{{/items}}",
    ["items": [["name": "a"], ["name": "b"], ["name": "c"]]], expect: "[a][b][c]"),
  .init("an empty list renders nothing", "<{{#items}}x{{/items}}>", ["items": []], expect: "<>"),
  .init(
    "list items see outer contexts", "{{#items}}{{name}}{{sep}}{{/items}}",
    ["sep": ",", "items": [["name": "a"], ["name": "b"]]], expect: "a,b,"),
  .init("the same section may appear twice", "{{#ok}}A{{/ok}}-{{#ok}}B{{/ok}}", ["ok": true], expect: "A-B"),
  .init("nested truthy sections all render", "{{#a}}1{{#b}}2{{/b}}3{{/a}}", ["a": true, "b": true], expect: "123"),
  .init("a falsey nested section is skipped", "{{#a}}1{{#b}}2{{/b}}3{{/a}}", ["a": true, "b": false], expect: "13"),
  .init(
    "nested contexts stack", "{{#a}}{{one}}{{#b}}{{one}}{{two}}{{#c}}{{one}}{{two}}{{three}}{{/c}}{{/b}}{{/a}}",
    ["a": ["one": 1], "b": ["two": 2], "c": ["three": 3]], expect: "112123"),
  .init(
    "in deeply nested contexts the nearest value wins", "{{#a}}{{v}}{{#b}}{{v}}{{#c}}{{v}}{{/c}}{{/b}}{{/a}}{{v}}",
    ["v": 0, "a": ["v": 1, "b": ["v": 2, "c": ["x": 9]]]], expect: "1220"),
  .init(
    "a list of lists iterates with {{#.}}", "{{#rows}}({{#.}}{{.}}{{/.}}){{/rows}}", ["rows": [[1, 2], [3], []]],
    expect: "(12)(3)()"),
  .init("the implicit iterator walks strings", "{{#list}}<{{.}}>{{/list}}", ["list": ["a", "b"]], expect: "<a><b>"),
  .init("the implicit iterator walks integers", "{{#list}}{{.}},{{/list}}", ["list": [1, 2, 3]], expect: "1,2,3,"),
  .init(
    "the implicit iterator walks decimals", "{{#list}}{{.}},{{/list}}", ["list": [1.5, 0.25]], expect: "1.5,0.25,"),
  .init(
    "the implicit iterator escapes unless told not to", "{{#list}}{{.}}{{{.}}}{{&.}}{{/list}}", ["list": ["<&>"]],
    expect: "&lt;&amp;&gt;<&><&>"),
  .init("a root list iterates with {{#.}}", "{{#.}}({{v}}){{/.}}", [["v": "a"], ["v": "b"]], expect: "(a)(b)"),
  .init("a dotted name opens a section", "{{#a.b.c}}yes{{/a.b.c}}", ["a": ["b": ["c": true]]], expect: "yes"),
  .init("a falsey dotted name skips", "<{{#a.b.c}}yes{{/a.b.c}}>", ["a": ["b": ["c": false]]], expect: "<>"),
  .init("a broken dotted chain skips", "<{{#a.b.c}}yes{{/a.b.c}}>", ["a": [:]], expect: "<>"),
  .init("white space around a section is kept", " | {{#ok}}\t|\t{{/ok}} | \n", ["ok": true], expect: " | \t|\t | \n"),
  .init(
    "white space inside a section is kept", "> {{#ok}} {{! note }}\n {{/ok}} <\n",
    ["ok": true], expect: ">  \n  <\n"),
  .init(
    "inline sections keep their indentation", " {{#ok}}A{{/ok}}\n {{#ok}}B{{/ok}}\n",
    ["ok": true], expect: " A\n B\n"),
  .init(
    "standalone section lines are removed", "begin\n{{#ok}}\nmiddle\n{{/ok}}\nend\n", ["ok": true],
    expect: "begin\nmiddle\nend\n"),
  .init(
    "standalone lines of a skipped section are removed", "begin\n{{#ok}}\nmiddle\n{{/ok}}\nend\n", ["ok": false],
    expect: "begin\nend\n"),
  .init(
    "indented standalone lines are removed with trailing blanks", "begin\n  {{#ok}}\nmiddle\n\t{{/ok}}  \nend\n",
    ["ok": true], expect: "begin\nmiddle\nend\n"),
  .init(
    "a standalone line ending in \\r\\n is removed whole", "|\r\n{{#ok}}\r\n{{/ok}}\r\n|", ["ok": true],
    expect: "|\r\n|"),
  .init("a standalone tag needs no previous line", "  {{#ok}}\n#{{/ok}}\n/", ["ok": true], expect: "#\n/"),
  .init("a standalone tag needs no newline", "#{{#ok}}\n/\n  {{/ok}}", ["ok": true], expect: "#\n/\n"),
  .init("padding inside section tags is ignored", "|{{# ok }}={{/ ok }}|", ["ok": true], expect: "|=|"),
]

// MARK: - Inverted sections

private let invertedCases: [MustacheTests.Case] = [
  .init("false renders an inverted section", "<{{^ok}}no{{/ok}}>", ["ok": false], expect: "<no>"),
  .init("true skips it", "<{{^ok}}no{{/ok}}>", ["ok": true], expect: "<>"),
  .init("null renders it", "<{{^ok}}no{{/ok}}>", ["ok": nil], expect: "<no>"),
  .init("a missing name renders it", "<{{^ok}}no{{/ok}}>", expect: "<no>"),
  .init("an object skips it", "<{{^user}}anonymous{{/user}}>", ["user": ["name": "Ann"]], expect: "<>"),
  .init("a string skips it", "<{{^s}}none{{/s}}>", ["s": "x"], expect: "<>"),
  .init("a list with items skips it", "<{{^items}}none{{/items}}>", ["items": [1]], expect: "<>"),
  .init("an empty list renders it", "<{{^items}}none{{/items}}>", ["items": []], expect: "<none>"),
  .init("it renders in the enclosing context", "{{^missing}}{{name}}{{/missing}}", ["name": "root"], expect: "root"),
  .init("the same inverted section may appear twice", "{{^no}}A{{/no}}-{{^no}}B{{/no}}", ["no": false], expect: "A-B"),
  .init(
    "nested falsey inverted sections all render", "{{^a}}1{{^b}}2{{/b}}3{{/a}}", ["a": false, "b": false],
    expect: "123"),
  .init(
    "a truthy nested inverted section is skipped", "{{^a}}1{{^b}}2{{/b}}3{{/a}}",
    ["a": false, "b": true], expect: "13"),
  .init("a section and its inverse show one of two", "{{#ok}}yes{{/ok}}{{^ok}}no{{/ok}}", ["ok": false], expect: "no"),
  .init("a truthy dotted name skips", "<{{^a.b.c}}none{{/a.b.c}}>", ["a": ["b": ["c": true]]], expect: "<>"),
  .init("a falsey dotted name renders", "<{{^a.b.c}}none{{/a.b.c}}>", ["a": ["b": ["c": false]]], expect: "<none>"),
  .init("a broken dotted chain renders", "<{{^a.b.c}}none{{/a.b.c}}>", ["a": [:]], expect: "<none>"),
  .init("white space around it is kept", " | {{^no}}\t|\t{{/no}} | \n", ["no": false], expect: " | \t|\t | \n"),
  .init("white space inside it is kept", "> {{^no}} {{! note }}\n {{/no}} <\n", ["no": false], expect: ">  \n  <\n"),
  .init(
    "inline inverted sections keep their indentation", " {{^no}}A{{/no}}\n {{^no}}B{{/no}}\n",
    ["no": false], expect: " A\n B\n"),
  .init(
    "standalone lines are removed", "begin\n{{^no}}\nmiddle\n{{/no}}\nend\n", ["no": false],
    expect: "begin\nmiddle\nend\n"),
  .init(
    "indented standalone lines are removed with trailing blanks", "begin\n  {{^no}}\nmiddle\n\t{{/no}}  \nend\n",
    ["no": false], expect: "begin\nmiddle\nend\n"),
  .init(
    "a standalone line ending in \\r\\n is removed whole", "|\r\n{{^no}}\r\n{{/no}}\r\n|", ["no": false],
    expect: "|\r\n|"),
  .init("a standalone tag needs no previous line", "  {{^no}}\n^{{/no}}\n/", ["no": false], expect: "^\n/"),
  .init("a standalone tag needs no newline", "^{{^no}}\n/\n  {{/no}}", ["no": false], expect: "^\n/\n"),
  .init("padding inside the tags is ignored", "|{{^ no }}={{/ no }}|", ["no": false], expect: "|=|"),
]

// MARK: - Comments

private let commentCases: [MustacheTests.Case] = [
  .init("an inline comment renders nothing", "12{{! hidden }}34", expect: "1234"),
  .init("a comment may span lines", "12{{!\n a\n b\n}}34", expect: "1234"),
  .init("a standalone comment line is removed", "a\n{{! note }}\nb", expect: "a\nb"),
  .init("an indented standalone comment line is removed", "a\n \t{{! note }} \nb", expect: "a\nb"),
  .init("a standalone comment line ending in \\r\\n is removed", "a\r\n{{! note }}\r\nb", expect: "a\r\nb"),
  .init("a standalone comment needs no previous line", "  {{! note }}\nb", expect: "b"),
  .init("a standalone comment needs no newline", "a\n  {{! note }}", expect: "a\n"),
  .init("a multiline comment can be standalone", "a\n{{! one\ntwo\n}}\nb", expect: "a\nb"),
  .init("an indented multiline comment can be standalone", "a\n  {{! one\n  two\n  }}\nb", expect: "a\nb"),
  .init("a comment after text is inline", "  x {{! note }}\n", expect: "  x \n"),
  .init("white space around a comment is kept", "1 {{! note }} 2", expect: "1  2"),
  .init(
    "a comment never looks up data", ">{{! name }}{{!name}}<", ["! name": "bad", "!name": "bad", "name": "bad"],
    expect: "><"),
]

// MARK: - Set delimiters

private let delimiterCases: [MustacheTests.Case] = [
  .init("set delimiters change the tag markers", "{{=<% %>=}}(<%v%>)", ["v": "x"], expect: "(x)"),
  .init("delimiters may be any characters but white space and =", "({{=[ ]=}}[v])", ["v": "x"], expect: "(x)"),
  .init("the old delimiters become plain text", "{{=| |=}}{{v}} |v|", ["v": "x"], expect: "{{v}} x"),
  .init("delimiters can be set back", "{{=<% %>=}}<%v%><%={{ }}=%>{{v}}", ["v": "x"], expect: "xx"),
  .init(
    "padding and sigils work with new delimiters", "{{=<% %>=}}[<% v %>|<%& v %>]", ["v": "<"],
    expect: "[&lt;|<]"),
  .init(
    "sections work with new delimiters", "{{=<% %>=}}<%#ok%>[<%v%>]<%/ok%><%^ok%>no<%/ok%>", ["ok": true, "v": "x"],
    expect: "[x]"),
  .init(
    "delimiters set inside a section stay set after it", "{{#ok}}{{=<% %>=}}<%v%>{{v}}<%/ok%>[<%v%>]",
    ["ok": true, "v": "x"], expect: "x{{v}}[x]"),
  .init(
    "delimiters set inside an inverted section stay set after it", "{{^no}}{{=<% %>=}}<%v%><%/no%>[<%v%>]",
    ["no": false, "v": "x"], expect: "x[x]"),
  .init(
    "a partial starts with the default delimiters", "{{=<% %>=}}[<%>part%>]", ["v": "x"],
    partials: ["part": "{{v}}<%v%>"], expect: "[x<%v%>]"),
  .init(
    "delimiters set in a partial do not leak out", "[{{>part}}] {{v}} <%v%>", ["v": "x"],
    partials: ["part": "{{=<% %>=}}<%v%>{{v}}"], expect: "[x{{v}}] x <%v%>"),
  .init("white space around a set-delimiter tag is kept", "| {{=@ @=}} |", expect: "|  |"),
  .init("a set-delimiter tag after text is inline", " | {{=@ @=}}\n", expect: " | \n"),
  .init("a standalone set-delimiter line is removed", "a\n{{=@ @=}}\nb", expect: "a\nb"),
  .init("an indented standalone set-delimiter line is removed", "a\n  {{=@ @=}}\t\nb", expect: "a\nb"),
  .init("a standalone set-delimiter line ending in \\r\\n is removed", "a\r\n{{=@ @=}}\r\nb", expect: "a\r\nb"),
  .init("a standalone set-delimiter tag needs no previous line", "  {{=@ @=}}\n=", expect: "="),
  .init("a standalone set-delimiter tag needs no newline", "=\n  {{=@ @=}}", expect: "=\n"),
  .init("padding inside a set-delimiter tag is ignored", "[{{= @   @ =}}@v@]", ["v": "x"], expect: "[x]"),
]

// MARK: - Partials

private let partialCases: [MustacheTests.Case] = [
  .init("a partial renders in place of its tag", "[{{>part}}]", partials: ["part": "inside"], expect: "[inside]"),
  .init(
    "a partial renders in the caller's context", "{{#user}}{{>card}}{{/user}}", ["user": ["name": "Ann"]],
    partials: ["card": "<{{name}}>"], expect: "<Ann>"),
  .init(
    "a partial may include itself inside a section", "{{>node}}",
    [
      "label": "r",
      "kids": [
        ["label": "a", "kids": []], ["label": "b", "kids": [["label": "c", "kids": []]]],
      ],
    ],
    partials: ["node": "{{label}}({{#kids}}{{>node}}{{/kids}})"], expect: "r(a()b(c()))"),
  .init("a partial may include other partials", "{{>a}}", partials: ["a": "A[{{>b}}]", "b": "B"], expect: "A[B]"),
  .init("white space around a partial is kept", "| {{>part}} |", partials: ["part": "\t|\t"], expect: "| \t|\t |"),
  .init(
    "an inline partial is not indented", "  {{v}}  {{>part}}\n", ["v": "x"], partials: ["part": "1\n2"],
    expect: "  x  1\n2\n"),
  .init(
    "a standalone partial line ending in \\r\\n is replaced whole", "a\r\n{{>part}}\r\nb", partials: ["part": "P"],
    expect: "a\r\nPb"),
  .init(
    "a standalone partial needs no previous line", "  {{>part}}\nz", partials: ["part": "1\n2"],
    expect: "  1\n  2z"),
  .init(
    "a standalone partial needs no newline", "a\n  {{>part}}", partials: ["part": "1\n2"], expect: "a\n  1\n  2"),
  .init(
    "each line of a standalone partial is indented, not the lines of its values", "<div>\n  {{>part}}\n</div>\n",
    ["body": "one\ntwo"], partials: ["part": "<p>\n{{{body}}}\n</p>\n"],
    expect: "<div>\n  <p>\n  one\ntwo\n  </p>\n</div>\n"),
  .init(
    "the indentation of nested standalone partials adds up", "  {{>a}}\n",
    partials: ["a": "A\n  {{>b}}\n", "b": "B\n"],
    expect: "  A\n    B\n"),
  .init(
    "a standalone partial in a section is indented on each pass", "<ul>\n{{#items}}\n  {{>li}}\n{{/items}}\n</ul>\n",
    ["items": ["a", "b"]], partials: ["li": "<li>{{.}}</li>\n"], expect: "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n"),
  .init("padding inside a partial tag is ignored", "[{{> part }}]", partials: ["part": "P"], expect: "[P]"),
  .init(
    "a standalone partial that begins with a section is indented once", "<ul>\n  {{>list}}\n</ul>\n",
    ["items": ["a", "b"]], partials: ["list": "{{#items}}\n<li>{{.}}</li>\n{{/items}}\n"],
    expect: "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n"),
  .init(
    "a standalone partial that renders nothing leaves no indentation", "a\n  {{>part}}\nb", ["ok": false],
    partials: ["part": "{{#ok}}\nx\n{{/ok}}\n"], expect: "a\nb"),
  .init(
    "a standalone partial that begins with a partial is indented once", "  {{>a}}\n",
    partials: ["a": "{{>b}}\n", "b": "B\n"], expect: "  B\n"),
]

// MARK: - Inheritance

private let base = ["base": "[{{$a}}A{{/a}}]"]
private let threeLevels = ["mid": "{{<base}}{{$a}}mid{{/a}}{{/base}}", "base": "[{{$a}}A{{/a}}]"]

private let inheritanceCases: [MustacheTests.Case] = [
  .init("a block outside a parent renders its default", "<{{$title}}Untitled{{/title}}>", expect: "<Untitled>"),
  .init("a block's default interpolates", "{{$b}}Hi {{name}}{{/b}}", ["name": "Ann"], expect: "Hi Ann"),
  .init("a block's default may use triple braces", "{{$b}}{{{html}}}{{/b}}", ["html": "<i>"], expect: "<i>"),
  .init("a block's default may hold sections", "{{$b}}{{#list}}{{.}}{{/list}}{{/b}}", ["list": [1, 2]], expect: "12"),
  .init(
    "a block's default may hold inverted sections", "{{$b}}{{^list}}none{{/list}}{{/b}}", ["list": []],
    expect: "none"),
  .init(
    "values in a block are not parsed as templates", "{{$b}}{{v}}{{/b}}", ["v": "{{w}}", "w": "no"],
    expect: "{{w}}"),
  .init("a parent without overrides renders its defaults", "{{<base}}{{/base}}", partials: base, expect: "[A]"),
  .init(
    "an override replaces the parent's block", "{{<base}}{{$a}}mine{{/a}}{{/base}}", partials: base,
    expect: "[mine]"),
  .init(
    "data does not override a block", "{{<base}}{{$a}}mine{{/a}}{{/base}}", ["a": "data"], partials: base,
    expect: "[mine]"),
  .init("data does not override a block's default", "{{<base}}{{/base}}", ["a": "data"], partials: base, expect: "[A]"),
  .init(
    "blocks not overridden keep their defaults", "{{<base}}{{$b}}b!{{/b}}{{/base}}",
    partials: ["base": "{{$a}}A{{/a}}-{{$b}}B{{/b}}"], expect: "A-b!"),
  .init(
    "each parent tag has its own overrides", "{{<base}}{{$a}}1{{/a}}{{/base}},{{<base}}{{$a}}2{{/a}}{{/base}}",
    partials: base, expect: "[1],[2]"),
  .init(
    "a template can be both a partial and a parent", "{{>base}}|{{<base}}{{/base}}",
    partials: base, expect: "[A]|[A]"),
  .init(
    "an override keeps its newlines", "{{<base}}{{$a}}\nline 1\n\nline 3\n{{/a}}{{/base}}", partials: base,
    expect: "[line 1\n\nline 3\n]"),
  .init(
    "in multi-level inheritance the outermost override wins", "{{<mid}}{{$a}}main{{/a}}{{/mid}}",
    partials: threeLevels, expect: "[main]"),
  .init(
    "a middle override applies when the child sets none", "{{<mid}}{{/mid}}",
    partials: threeLevels, expect: "[mid]"),
  .init(
    "parents may recurse through blocks", "{{<p}}{{$a}}A{{/a}}{{/p}}",
    partials: ["p": "({{$a}}pa{{/a}} {{$b}}{{<q}}{{/q}}{{/b}})", "q": "[{{$a}}qa{{/a}} {{<p}}{{$b}}stop{{/b}}{{/p}}]"],
    expect: "(A [A (A stop)])"),
  .init(
    "text inside a parent tag is ignored", "{{<base}} junk {{$a}}x{{/a}} more junk {{/base}}", partials: base,
    expect: "[x]"),
  .init(
    "a parent tag holding only text renders the defaults", "{{<base}} just text {{/base}}",
    partials: base, expect: "[A]"),
  .init(
    "an override renders in the context of the block it replaces",
    "{{<greet}}{{$hello}}Hello {{name}}!{{/hello}}{{/greet}}", ["name": "root", "user": ["name": "Ann"]],
    partials: ["greet": "{{#user}}{{$hello}}Hi {{name}}{{/hello}}{{/user}}"], expect: "Hello Ann!"),
  .init(
    "a parent tag pair alone on its line is standalone and indents like a partial",
    "list:\n  {{<items}}{{/items}}\nend\n", partials: ["items": "one\ntwo\n"], expect: "list:\n  one\n  two\nend\n"),
  .init(
    "a standalone parent that begins with a block is indented once", "  {{<box}}{{/box}}\n",
    partials: ["box": "{{$b}}\nB\n{{/b}}\n"], expect: "  B\n"),
  .init(
    "a block tag pair alone on its line is standalone",
    "{{<list}}{{$items}}\n<li>a</li>\n<li>b</li>{{/items}}\n{{/list}}\n",
    partials: ["list": "<ul>\n  {{$items}}{{/items}}\n</ul>\n"], expect: "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n"),
  .init(
    "an override's indentation is replaced by the block's",
    "{{<list}}{{$items}}\n      <li>a</li>\n        <li>b</li>\n{{/items}}{{/list}}\n",
    partials: ["list": "<ul>\n  {{$items}}\n  {{/items}}\n</ul>\n"],
    expect: "<ul>\n  <li>a</li>\n    <li>b</li>\n</ul>\n"),
  .init(
    "a standalone block takes the indentation of its default content",
    "{{<page}}{{$body}}\n<p>x</p>\n<p>y</p>\n{{/body}}{{/page}}",
    partials: ["page": "<div>\n{{$body}}\n    <p>default</p>\n{{/body}}\n</div>\n"],
    expect: "<div>\n    <p>x</p>\n    <p>y</p>\n</div>\n"),
  .init(
    "nested blocks are reindented relative to the enclosing block",
    "{{<nav}}\n{{$links}}\n<a>1</a>\n<a>2</a>\n{{/links}}\n{{/nav}}\n",
    partials: [
      "nav": "{{<body}}\n{{$content}}\n    <nav>\n    {{$links}}\n      <a>none</a>\n    {{/links}}\n    </nav>\n"
        + "{{/content}}\n{{/body}}\n",
      "body": "<body>\n  {{$content}}\n  {{/content}}\n</body>\n",
    ],
    expect: "<body>\n  <nav>\n    <a>1</a>\n    <a>2</a>\n  </nav>\n</body>\n"),
  .init(
    "an indented block's default keeps its indentation", "{{<box}}{{/box}}",
    partials: ["box": "<p>\n  {{$b}}\n  default\n  {{/b}}\n</p>\n"], expect: "<p>\n  default\n</p>\n"),
]

// MARK: - Load errors

private let brokenCases: [MustacheTests.Broken] = [
  .init("a partial naming no template", "a\n  {{> nope}}\n", at: 2, 3, "partial 'nope' not found", missing: "nope"),
  .init(
    "a parent naming no template", "{{#x}}\n{{<base}}{{/base}}{{/x}}", at: 2, 1, "parent template 'base' not found",
    missing: "base"),
  .init(
    "a partial naming no template inside an override", "{{<base}}{{$a}}{{>gone}}{{/a}}{{/base}}",
    partials: ["base": "{{$a}}{{/a}}"], at: 1, 16, "partial 'gone' not found", missing: "gone"),
  .init("an unclosed tag", "ok\nab {{name", at: 2, 4, "a tag is not closed"),
  .init("an unclosed triple mustache", "x {{{name}}", at: 1, 3, "a tag is not closed"),
  .init("an unclosed tag with new delimiters", "{{=<% %>=}}\n<%name", at: 2, 1, "'<%' without '%>'"),
  .init("an unclosed section", "x\n  {{#list}}\n", at: 2, 3, "section 'list' is not closed"),
  .init("an unclosed block", "{{$b}}", at: 1, 1, "section 'b' is not closed"),
  .init(
    "a mismatched closing tag names the line of the opening one", "{{#a}}\n\n{{/b}}", at: 3, 1,
    "does not match the open section 'a' of line 1"),
  .init("a closing tag that closes nothing", "a {{/a}}", at: 1, 3, "closes nothing"),
  .init("a set-delimiter tag without its closing =", "{{=<% %>}}", at: 1, 1, "malformed set-delimiter"),
  .init("a set-delimiter tag with one delimiter", "x\n{{=<%=}}", at: 2, 1, "malformed set-delimiter"),
  .init("a set-delimiter tag with three delimiters", "{{=a b c=}}", at: 1, 1, "malformed set-delimiter"),
  .init("a delimiter holding =", "{{=<= =>=}}", at: 1, 1, "malformed set-delimiter"),
  .init("an empty tag", "x{{}}", at: 1, 2, "a tag has no name"),
  .init("a tag of only white space", "{{  }}", at: 1, 1, "a tag has no name"),
  .init("a section without a name", "{{# }}{{/ }}", at: 1, 1, "a tag has no name"),
  .init("a name with a space", "{{first name}}", at: 1, 1, "cannot contain spaces"),
  .init("a section name with a space", "{{#a b}}{{/a b}}", at: 1, 1, "cannot contain spaces"),
  .init("a dotted name with an empty part", "ok {{a..b}}", at: 1, 4, "dotted names have no empty parts"),
  .init("a dotted name ending in a dot", "{{#a.}}{{/a.}}", at: 1, 1, "dotted names have no empty parts"),
  .init(
    "a tag other than a block directly inside a parent", "{{<base}}{{v}}{{/base}}", partials: ["base": ""],
    at: 1, 10, "only '{{$block}}' tags may stand directly inside"),
  .init("columns count characters, not bytes", "h\u{E9}llo {{x", at: 1, 7, "a tag is not closed"),
]
