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
  /// Block name → index in the program's blocks.
  let overrides: [String: Int]
  let outer: BlockScope?

  init(overrides: [String: Int], outer: BlockScope?) {
    self.overrides = overrides
    self.outer = outer
  }

  func override(_ name: String) -> Int? {
    var found: Int?
    var scope: BlockScope? = self
    while let current = scope {
      if let block = current.overrides[name] { found = block }
      scope = current.outer
    }
    return found
  }
}

/// Where a value of the context stack is: in the value a render was given, or in the storage of a list
/// or object inside it. Values are immutable while a page renders and the value given owns all of them,
/// so these addresses stay valid for the whole render; reading through them copies nothing (a name that
/// climbed the stack used to copy each value it passed and the value it found: a retain and a release each).
typealias ValuePointer = UnsafePointer<TemplateValue>

extension Array {
  /// The array's elements in place. The buffer stays valid while the array lives and is not mutated: the
  /// renderer reads the program's arrays and the values' storage, which nothing mutates while it runs.
  @inline(__always)
  fileprivate var elementsInPlace: UnsafeBufferPointer<Element> { withUnsafeBufferPointer { $0 } }
}

/// Renders a program's instructions against a context stack into bytes.
struct Renderer {
  let program: Program
  private let instructions: UnsafeBufferPointer<Program.Instruction>
  private let bytes: UnsafeBufferPointer<UInt8>
  private let texts: UnsafeBufferPointer<Program.TextRange>
  private let names: UnsafeBufferPointer<String>
  private let paths: UnsafeBufferPointer<Program.PathRange>
  /// The offset of `value` in an object's `(name, value)` field.
  private let valueOffset: Int
  var output: [UInt8]
  private var stack: [ValuePointer]
  private var depth = 0

  init(program: Program, output: [UInt8], root: ValuePointer) {
    self.program = program
    instructions = program.instructions.elementsInPlace
    bytes = program.bytes.elementsInPlace
    texts = program.texts.elementsInPlace
    names = program.names.elementsInPlace
    paths = program.paths.elementsInPlace
    valueOffset = program.valueOffset
    self.output = output
    stack = [root]
    stack.reserveCapacity(16)
  }

  /// Renders the instructions `range`.
  mutating func render(_ range: Range<Int>, _ transform: LineTransform, start: Start, scope: BlockScope?)
    throws(RenderError)
  {
    var index = range.lowerBound
    while index < range.upperBound {
      let instruction = instructions[index]
      let isFirst = index == range.lowerBound
      if instruction.kind == .text {
        let text = texts[Int(instruction.a)]
        if isFirst {
          switch start {
          case .inherit: write(text, transform, first: nil)
          case .lineStart(let first): write(text, transform, first: first, forced: true)
          case .midLine(let strip): write(text, transform, first: LineTransform(strip: strip, add: []))
          }
        } else {
          write(text, transform, first: nil)
        }
        index += 1
        continue
      }
      if isFirst, case .lineStart(let first) = start { output += first.add }
      var next = index + 1
      switch instruction.kind {
      case .text: break
      case .variable:
        if let value = lookup(instruction.a) { write(value, escaped: true) }
      case .unescaped:
        if let value = lookup(instruction.a) { write(value, escaped: false) }
      case .section:
        next = Int(instruction.b)
        if let value = lookup(instruction.a) { try renderSection(value, index + 1..<next, transform, scope: scope) }
      case .inverted:
        next = Int(instruction.b)
        if !(lookup(instruction.a)?.pointee.isTruthy ?? false) {
          try render(index + 1..<next, transform, start: .inherit, scope: scope)
        }
      case .partial:
        try include(Int(instruction.a), indentation: Int(instruction.b), transform, scope: scope)
      case .parent:
        next = Int(instruction.d)
        let inner =
          instruction.c < 0 ? scope : BlockScope(overrides: program.overrides[Int(instruction.c)], outer: scope)
        try include(Int(instruction.a), indentation: Int(instruction.b), transform, scope: inner)
      case .block:
        next = Int(instruction.b)
        try renderBlock(Int(instruction.a), transform, scope: scope)
      }
      index = next
    }
  }

  /// A section's children: not at all for a false or null value, once per item of a list, else once
  /// with the value on top of the context stack.
  private mutating func renderSection(
    _ value: ValuePointer, _ children: Range<Int>, _ transform: LineTransform, scope: BlockScope?
  ) throws(RenderError) {
    switch value.pointee {
    case .null: break
    case .bool(let flag):
      if flag { try render(children, transform, start: .inherit, scope: scope) }
    case .list(let items):
      let elements = items.elementsInPlace
      guard let base = elements.baseAddress else { return }
      for offset in 0..<elements.count {
        stack.append(base + offset)
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
  private mutating func renderBlock(_ index: Int, _ transform: LineTransform, scope: BlockScope?)
    throws(RenderError)
  {
    let site = program.blocks[index]
    guard let overrideIndex = scope?.override(site.name) else {
      try render(site.start..<site.end, transform, start: .inherit, scope: scope)
      return
    }
    let override = program.blocks[overrideIndex]
    try enter(site.name)
    let moved = LineTransform(strip: override.indentation.count, add: site.indentation).then(transform)
    // Content whose opening tag stood alone records its first line start itself; content that began on
    // the opening tag's line has none, and begins a line only when the site's tag stood alone.
    let start: Start =
      !site.isStandalone
      ? .midLine(strip: override.indentation.count) : override.isStandalone ? .inherit : .lineStart(moved)
    try render(override.start..<override.end, moved, start: start, scope: scope)
    depth -= 1
  }

  /// The template `index`, included at a standalone tag indented by the indentation `indentation`, or
  /// inline when that is -1.
  private mutating func include(_ index: Int, indentation: Int, _ transform: LineTransform, scope: BlockScope?)
    throws(RenderError)
  {
    guard program.entries.indices.contains(index) else { return }
    let name = program.templateNames[index]
    try enter(name)
    if indentation >= 0 {
      // The template records where its lines start, its first among them unless a standalone tag removed it.
      let indented = LineTransform(strip: 0, add: program.indentations[indentation]).then(transform)
      try render(program.entries[index], indented, start: .inherit, scope: scope)
    } else {
      try render(program.entries[index], transform, start: .midLine(strip: 0), scope: scope)
    }
    depth -= 1
  }

  /// One level deeper into partials, parents and blocks, or the error when `name` would nest too deep.
  private mutating func enter(_ name: String) throws(RenderError) {
    depth += 1
    guard depth <= TemplateLibrary.maximumDepth else {
      throw RenderError(
        message: "'\(name)' nests more than \(TemplateLibrary.maximumDepth) levels deep: does a partial include "
          + "itself outside a section?")
    }
  }

  // MARK: Names

  /// The value the path `index` names, in place.
  @inline(__always)
  private func lookup(_ index: Int32) -> ValuePointer? {
    let path = paths[Int(index)]
    guard path.count > 0 else { return stack.last }
    guard var found = climb(names[path.start]) else { return nil }
    var name = path.start + 1
    while name < path.start + path.count {
      guard let next = field(of: found, names[name]) else { return nil }
      found = next
      name += 1
    }
    return found
  }

  /// The field `name` of the innermost value of the context stack that has it.
  private func climb(_ name: String) -> ValuePointer? {
    var index = stack.count - 1
    while index >= 0 {
      if let found = field(of: stack[index], name) { return found }
      index -= 1
    }
    return nil
  }

  /// The field `name` of the value at `value`, in place; nil when it is not an object or has no such field.
  @inline(__always)
  private func field(of value: ValuePointer, _ name: String) -> ValuePointer? {
    guard case .object(let object) = value.pointee else { return nil }
    let fields = object.fields.elementsInPlace
    guard let base = fields.baseAddress else { return nil }
    // Most names compared are not the one looked for: their lengths differ, which is cheaper to see.
    let length = name.utf8.count
    for index in 0..<fields.count where fields[index].name.utf8.count == length && fields[index].name == name {
      return (UnsafeRawPointer(base + index) + valueOffset).assumingMemoryBound(to: TemplateValue.self)
    }
    return nil
  }

  // MARK: Output

  /// Writes template text, re-indenting each recorded line start; `first`, when given, replaces the
  /// transform at offset 0, and `forced` applies it there even if no line start was recorded.
  private mutating func write(
    _ text: Program.TextRange, _ transform: LineTransform, first: LineTransform?, forced: Bool = false
  ) {
    let bytes = UnsafeBufferPointer(rebasing: self.bytes[text.start..<text.end])
    if text.lineStart == text.lineEnd && !forced || transform.isIdentity && (first?.isIdentity ?? true) {
      if forced, let first { output += first.add }
      output += bytes
      return
    }
    var starts = Array(program.lineStarts[text.lineStart..<text.lineEnd])
    if forced, starts.first != 0 { starts.insert(0, at: 0) }
    var cursor = 0
    for lineStart in starts {
      output += UnsafeBufferPointer(rebasing: bytes[cursor..<lineStart])
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
    output += UnsafeBufferPointer(rebasing: bytes[cursor...])
  }

  private mutating func write(_ value: ValuePointer, escaped: Bool) {
    if let bytes = Self.longStringBytes(value) {
      if escaped { writeEscaped(bytes) } else { output += bytes }
      return
    }
    switch value.pointee {
    case .string(let text):
      if escaped { writeEscaped(text) } else { output += text.utf8 }
    case .int(let number): writeDecimal(number)
    case .double(let number): output += "\(number)".utf8
    case .bool(let flag): output += (flag ? "true" : "false").utf8
    case .null, .list, .object: break
    }
  }

  /// The UTF-8 bytes of the string at `value`, in place, when it is longer than a small string (15 bytes)
  /// and stores them contiguously; else nil. Writing a string through these costs no retain of its storage,
  /// which the string (owned by the value being rendered, immutable) keeps for the whole render. A small
  /// string's bytes are a copy that lives only inside `withContiguousStorageIfAvailable`: those are never
  /// returned, and copying a small string costs no retain anyway.
  @inline(__always)
  private static func longStringBytes(_ value: ValuePointer) -> UnsafeBufferPointer<UInt8>? {
    guard case .string(let text) = value.pointee, text.utf8.count > 15 else { return nil }
    return text.utf8.withContiguousStorageIfAvailable { $0 }
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
    if text.utf8.withContiguousStorageIfAvailable({ writeEscaped($0) }) == nil {
      var copy = text
      copy.withUTF8 { writeEscaped($0) }
    }
  }

  private mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
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
