/// How the lines of a piece of template text are re-indented where it is rendered: up to `strip` blanks
/// are removed from the start of each line, then `add` is written.
struct LineTransform: Sendable {
  var strip: Int
  var add: [UInt8]

  static let identity = LineTransform(strip: 0, add: [])

  var isIdentity: Bool { strip == 0 && add.isEmpty }

  /// This transform, then `outer` on its result (`outer` is where the text is included).
  func then(_ outer: LineTransform) -> LineTransform {
    if outer.isIdentity { return self }
    let kept = min(outer.strip, add.count)
    return LineTransform(strip: strip + (outer.strip - kept), add: outer.add + add.dropFirst(kept))
  }
}

/// How the first line of a node list begins.
enum Start {
  /// Where the nodes were written: a line start recorded at offset 0 takes the list's transform.
  case inherit
  /// The content begins a line of the output though its template recorded no line start there (a block
  /// override that began on its opening tag's line, at a standalone site): this transform applies there.
  case lineStart(LineTransform)
  /// The content begins in the middle of an output line (an inline partial or block): a line start
  /// recorded at offset 0 only loses `strip` blanks.
  case midLine(strip: Int)
}

/// The overrides of the parents being rendered, innermost first; the outermost override of a name wins.
final class BlockScope {
  let overrides: [String: Block]
  let outer: BlockScope?

  init(overrides: [String: Block], outer: BlockScope?) {
    self.overrides = overrides
    self.outer = outer
  }

  func override(_ name: String) -> Block? {
    var found: Block?
    var scope: BlockScope? = self
    while let current = scope {
      if let block = current.overrides[name] { found = block }
      scope = current.outer
    }
    return found
  }
}

/// Renders compiled nodes against a context stack into bytes.
struct Renderer {
  let templates: [CompiledTemplate]
  var output: [UInt8]
  var stack: [TemplateValue]
  var depth = 0

  init(templates: [CompiledTemplate], output: [UInt8], stack: [TemplateValue]) {
    self.templates = templates
    self.output = output
    self.stack = stack
  }

  mutating func render(_ nodes: [Node], _ transform: LineTransform, start: Start, scope: BlockScope?)
    throws(RenderError)
  {
    for (position, node) in nodes.enumerated() {
      switch node {
      case .text(let text):
        if position == 0 {
          switch start {
          case .inherit: write(text, transform, first: nil)
          case .lineStart(let first): write(text, transform, first: first, forced: true)
          case .midLine(let strip): write(text, transform, first: LineTransform(strip: strip, add: []))
          }
        } else {
          write(text, transform, first: nil)
        }
        continue
      default:
        if position == 0, case .lineStart(let first) = start { output += first.add }
      }
      switch node {
      case .text: break
      case .variable(let path, let isEscaped):
        if let value = lookup(path) { write(value, escaped: isEscaped) }
      case .section(let path, let children):
        guard let value = lookup(path) else { continue }
        try renderSection(value, children, transform, scope: scope)
      case .inverted(let path, let children):
        if !(lookup(path)?.isTruthy ?? false) { try render(children, transform, start: .inherit, scope: scope) }
      case .partial(let name, let index, let indentation):
        try include(name, index, indentation: indentation, transform, scope: scope)
      case .parent(let name, let index, let indentation, let overrides):
        let inner = overrides.isEmpty ? scope : BlockScope(overrides: overrides, outer: scope)
        try include(name, index, indentation: indentation, transform, scope: inner)
      case .block(let name, let site):
        try renderBlock(name, site, transform, scope: scope)
      }
    }
  }

  /// A section's children: not at all for a false or null value, once per item of a list, else once
  /// with the value on top of the context stack.
  private mutating func renderSection(
    _ value: TemplateValue, _ children: [Node], _ transform: LineTransform, scope: BlockScope?
  ) throws(RenderError) {
    switch value {
    case .null: break
    case .bool(let flag):
      if flag { try render(children, transform, start: .inherit, scope: scope) }
    case .list(let items):
      for item in items {
        stack.append(item)
        try render(children, transform, start: .inherit, scope: scope)
        stack.removeLast()
      }
    default:
      stack.append(value)
      try render(children, transform, start: .inherit, scope: scope)
      stack.removeLast()
    }
  }

  /// A block: its override from a parent's call when `scope` has one, else its own content.
  private mutating func renderBlock(_ name: String, _ site: Block, _ transform: LineTransform, scope: BlockScope?)
    throws(RenderError)
  {
    guard let override = scope?.override(name) else {
      try render(site.nodes, transform, start: .inherit, scope: scope)
      return
    }
    try enter(name)
    let moved = LineTransform(strip: override.indentation.count, add: site.indentation).then(transform)
    // Content whose opening tag stood alone records its first line start itself; content that began on
    // the opening tag's line has none, and begins a line only when the site's tag stood alone.
    let start: Start =
      !site.isStandalone
      ? .midLine(strip: override.indentation.count) : override.isStandalone ? .inherit : .lineStart(moved)
    try render(override.nodes, moved, start: start, scope: scope)
    depth -= 1
  }

  private mutating func include(
    _ name: String, _ index: Int, indentation: [UInt8]?, _ transform: LineTransform, scope: BlockScope?
  ) throws(RenderError) {
    guard templates.indices.contains(index) else { return }
    try enter(name)
    if let indentation {
      // The template records where its lines start, its first among them unless a standalone tag removed it.
      let indented = LineTransform(strip: 0, add: indentation).then(transform)
      try render(templates[index].nodes, indented, start: .inherit, scope: scope)
    } else {
      try render(templates[index].nodes, transform, start: .midLine(strip: 0), scope: scope)
    }
    depth -= 1
  }

  private mutating func enter(_ name: String) throws(RenderError) {
    depth += 1
    guard depth <= TemplateLibrary.maximumDepth else {
      throw RenderError(
        message: "'\(name)' nests more than \(TemplateLibrary.maximumDepth) levels deep: does a partial include "
          + "itself outside a section?")
    }
  }

  // MARK: Names

  private func lookup(_ path: Path) -> TemplateValue? {
    switch path {
    case .implicit: return stack.last
    case .name(let name): return climb(name)
    case .names(let names):
      guard let first = names.first, var found = climb(first) else { return nil }
      for name in names.dropFirst() {
        guard let next = found.field(name) else { return nil }
        found = next
      }
      return found
    }
  }

  /// The field `name` of the innermost value of the context stack that has it.
  private func climb(_ name: String) -> TemplateValue? {
    var index = stack.count - 1
    while index >= 0 {
      if let found = stack[index].field(name) { return found }
      index -= 1
    }
    return nil
  }

  // MARK: Output

  /// Writes template text, re-indenting each recorded line start; `first`, when given, replaces the
  /// transform at offset 0, and `forced` applies it there even if no line start was recorded.
  private mutating func write(_ text: Text, _ transform: LineTransform, first: LineTransform?, forced: Bool = false) {
    let bytes = text.bytes
    if text.lineStarts.isEmpty && !forced || transform.isIdentity && (first?.isIdentity ?? true) {
      if forced, let first { output += first.add }
      output += bytes
      return
    }
    var starts = text.lineStarts
    if forced, starts.first != 0 { starts.insert(0, at: 0) }
    var cursor = 0
    for lineStart in starts {
      output += bytes[cursor..<lineStart]
      let applied = lineStart == 0 ? (first ?? transform) : transform
      var position = lineStart
      var stripped = 0
      while stripped < applied.strip, position < bytes.count,
        bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t")
      {
        position += 1
        stripped += 1
      }
      output += applied.add
      cursor = position
    }
    output += bytes[cursor...]
  }

  private mutating func write(_ value: TemplateValue, escaped: Bool) {
    switch value {
    case .string(let text):
      if escaped { writeEscaped(text) } else { output += text.utf8 }
    case .int(let number): writeDecimal(number)
    case .double(let number): output += "\(number)".utf8
    case .bool(let flag): output += (flag ? "true" : "false").utf8
    case .null, .list, .object: break
    }
  }

  /// Writes the digits of `number` without making a `String`.
  private mutating func writeDecimal(_ number: Int) {
    if number < 0 { output.append(UInt8(ascii: "-")) }
    var magnitude = number.magnitude
    let start = output.count
    repeat {
      output.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
      magnitude /= 10
    } while magnitude > 0
    output[start...].reverse()
  }

  /// HTML-escapes on UTF-8 bytes: `&`, `<`, `>`, `"` and `'`, the five swift-mustache escaped, so that
  /// pages stay byte for byte the same.
  private mutating func writeEscaped(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      guard let base = UnsafeRawPointer(bytes.baseAddress) else { return }
      var runStart = 0
      var index = 0
      while index < bytes.count {
        // Eight bytes at a time while none needs escaping, as most text does not.
        if index + 8 <= bytes.count, !Self.mayNeedEscaping(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
          index += 8
          continue
        }
        let stop = min(index + 8, bytes.count)
        while index < stop {
          let byte = bytes[index]
          index += 1
          let entity: StaticString
          switch byte {
          case UInt8(ascii: "&"): entity = "&amp;"
          case UInt8(ascii: "<"): entity = "&lt;"
          case UInt8(ascii: ">"): entity = "&gt;"
          case UInt8(ascii: "\""): entity = "&quot;"
          case UInt8(ascii: "'"): entity = "&#39;"
          default: continue
          }
          output += UnsafeBufferPointer(rebasing: bytes[runStart..<index - 1])
          output += UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount)
          runStart = index
        }
      }
      output += UnsafeBufferPointer(rebasing: bytes[runStart...])
    }
  }

  /// Whether one of the eight bytes of `word` is one of the five that are escaped (exact: a word without
  /// them never answers true, so no byte is missed; one with them always does).
  @inline(__always)
  private static func mayNeedEscaping(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    func hasByte(_ byte: UInt8) -> Bool {
      let matched = word ^ (ones &* UInt64(byte))
      return (matched &- ones) & ~matched & highs != 0
    }
    return hasByte(UInt8(ascii: "&")) || hasByte(UInt8(ascii: "<")) || hasByte(UInt8(ascii: ">"))
      || hasByte(UInt8(ascii: "\"")) || hasByte(UInt8(ascii: "'"))
  }
}
