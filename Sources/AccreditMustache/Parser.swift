/// Compiles Mustache source into nodes, once, when a template loads: tags parsed, delimiters applied,
/// standalone lines removed, dotted names split and every line start recorded.
///
/// It follows the Mustache specification v1.4 with the optional inheritance module. A line is
/// standalone when its text is only white space and it holds one tag that renders nothing of itself
/// (section, inverted section, closing tag, comment, partial, block, set delimiters), parent tags aside:
/// `{{<parent}}{{/parent}}` and `{{<parent}}{{$block}}` on a line of their own are standalone too.
struct Parser {
  private enum Kind: Equatable {
    case variable, unescaped, section, inverted, close, comment, partial, parent, block, delimiters

    /// Tags that print nothing where they stand, so that a line holding only them disappears.
    var canStandAlone: Bool { self != .variable && self != .unescaped }
  }

  private struct Tag {
    var kind: Kind
    var name: String
    /// Offsets of the tag's first byte and of the byte after it.
    var start: Int
    var end: Int
    /// For a closing tag, the kind of tag it closes.
    var closes: Kind?
    /// Whether the tag stands alone on a line that is removed.
    var isStandalone = false
    /// The white space before the tag on a standalone line.
    var indentation: [UInt8] = []
  }

  private enum Token {
    case text(start: Int, end: Int)
    case tag(Tag)
  }

  let name: String
  let source: [UInt8]
  /// The partials and parents the template names, with their places, for the library to check.
  private(set) var references: [(name: String, isParent: Bool, line: Int, column: Int)] = []
  private var tokens: [Token] = []
  /// Whether each token is removed with its standalone line.
  private var isRemoved: [Bool] = []
  /// Whether each token is the first of a line that stays.
  private var startsLine: [Bool] = []
  /// The offset at which each line of the source begins.
  private let lineOffsets: [Int]

  init(name: String, source: String) {
    self.name = name
    self.source = Array(source.utf8)
    var offsets = [0]
    for (index, byte) in self.source.enumerated() where byte == newline { offsets.append(index + 1) }
    lineOffsets = offsets
  }

  /// The template's nodes, or the first problem found.
  mutating func parse() throws(TemplateError) -> [Node] {
    try tokenize()
    try matchSections()
    markStandaloneLines()
    return try build()
  }

  // MARK: Tokens

  private mutating func tokenize() throws(TemplateError) {
    var open: [UInt8] = Array("{{".utf8)
    var close: [UInt8] = Array("}}".utf8)
    var position = 0
    while position < source.count {
      guard let at = find(open, from: position) else { break }
      appendText(position, at)
      var (content, kind, end) = try scanTag(at: at, open: open, close: close)
      position = end
      if kind == .variable { (content, kind) = classified(trimmed(content)) }
      var tag = Tag(kind: kind, name: "", start: at, end: position)
      switch kind {
      case .comment: break
      case .delimiters:
        guard content.last == UInt8(ascii: "="),
          case let parts = trimmed(Array(content.dropLast())).split(whereSeparator: isBlank),
          parts.count == 2, !parts.contains(where: { $0.contains(UInt8(ascii: "=")) })
        else {
          throw error(at: at, "malformed set-delimiter tag: write it as '{{=<% %>=}}'")
        }
        open = Array(parts[0])
        close = Array(parts[1])
      default:
        let name = trimmed(content)
        guard !name.isEmpty else { throw error(at: at, "a tag has no name") }
        guard !name.contains(where: isBlank) else {
          throw error(at: at, "a tag name cannot contain spaces: '\(String(decoding: name, as: UTF8.self))'")
        }
        tag.name = String(decoding: name, as: UTF8.self)
      }
      tokens.append(.tag(tag))
    }
    appendText(position, source.count)
  }

  /// The tag that opens at `at`: what is between its delimiters, `.unescaped` for a triple mustache
  /// (`{{{name}}}`, with the default delimiters only) or `.variable` until its sigil is read, and the
  /// offset after it.
  private func scanTag(at: Int, open: [UInt8], close: [UInt8]) throws(TemplateError) -> (
    content: [UInt8], kind: Kind, end: Int
  ) {
    let contentStart = at + open.count
    if open == Array("{{".utf8), close == Array("}}".utf8), contentStart < source.count,
      source[contentStart] == UInt8(ascii: "{")
    {
      guard let end = find(Array("}}}".utf8), from: contentStart + 1) else {
        throw error(at: at, "a tag is not closed: '{{{' without '}}}'")
      }
      return (Array(source[contentStart + 1..<end]), .unescaped, end + 3)
    }
    guard let end = find(close, from: contentStart) else {
      throw error(
        at: at,
        "a tag is not closed: '\(String(decoding: open, as: UTF8.self))' without "
          + "'\(String(decoding: close, as: UTF8.self))'")
    }
    return (Array(source[contentStart..<end]), .variable, end + close.count)
  }

  /// A tag's kind by its sigil (`#`, `^`, `/`, `!`, `>`, `<`, `$`, `&`, `=`), and its content without it.
  private func classified(_ content: [UInt8]) -> (content: [UInt8], kind: Kind) {
    let kind: Kind
    switch content.first {
    case UInt8(ascii: "#"): kind = .section
    case UInt8(ascii: "^"): kind = .inverted
    case UInt8(ascii: "/"): kind = .close
    case UInt8(ascii: "!"): kind = .comment
    case UInt8(ascii: ">"): kind = .partial
    case UInt8(ascii: "<"): kind = .parent
    case UInt8(ascii: "$"): kind = .block
    case UInt8(ascii: "&"): kind = .unescaped
    case UInt8(ascii: "="): kind = .delimiters
    default: return (content, .variable)
    }
    return (Array(content.dropFirst()), kind)
  }

  /// Adds the text between two offsets, split after each newline so that no text token spans a line end.
  private mutating func appendText(_ start: Int, _ end: Int) {
    var lineStart = start
    var index = start
    while index < end {
      if source[index] == newline {
        tokens.append(.text(start: lineStart, end: index + 1))
        lineStart = index + 1
      }
      index += 1
    }
    if lineStart < end { tokens.append(.text(start: lineStart, end: end)) }
  }

  private func find(_ needle: [UInt8], from start: Int) -> Int? {
    guard let first = needle.first, needle.count <= source.count else { return nil }
    var index = start
    let last = source.count - needle.count
    while index <= last {
      if source[index] == first {
        var matches = true
        for offset in 1..<needle.count where source[index + offset] != needle[offset] {
          matches = false
          break
        }
        if matches { return index }
      }
      index += 1
    }
    return nil
  }

  // MARK: Sections

  /// Pairs every closing tag with the tag it closes.
  private mutating func matchSections() throws(TemplateError) {
    var open: [Int] = []
    for index in tokens.indices {
      guard case .tag(var tag) = tokens[index] else { continue }
      switch tag.kind {
      case .section, .inverted, .parent, .block: open.append(index)
      case .close:
        guard let opener = open.popLast(), case .tag(let opening) = tokens[opener] else {
          throw error(at: tag.start, "'{{/\(tag.name)}}' closes nothing: no section named '\(tag.name)' is open")
        }
        guard opening.name == tag.name else {
          let (line, _) = place(of: opening.start)
          throw error(
            at: tag.start, "'{{/\(tag.name)}}' does not match the open section '\(opening.name)' of line \(line)")
        }
        tag.closes = opening.kind
        tokens[index] = .tag(tag)
      default: break
      }
    }
    if let unclosed = open.last, case .tag(let tag) = tokens[unclosed] {
      throw error(at: tag.start, "section '\(tag.name)' is not closed: add '{{/\(tag.name)}}'")
    }
  }

  // MARK: Standalone lines

  private mutating func markStandaloneLines() {
    isRemoved = Array(repeating: false, count: tokens.count)
    startsLine = Array(repeating: false, count: tokens.count)
    var lineFirst = 0
    for index in tokens.indices {
      if case .text(_, let end) = tokens[index], source[end - 1] == newline {
        markLine(lineFirst...index)
        lineFirst = index + 1
      }
    }
    if lineFirst < tokens.count { markLine(lineFirst...(tokens.count - 1)) }
  }

  private mutating func markLine(_ line: ClosedRange<Int>) {
    var tags: [Int] = []
    var indentation: [UInt8] = []
    for index in line {
      switch tokens[index] {
      case .text(let start, let end):
        var bytes = source[start..<end]
        if bytes.last == newline { bytes = bytes.dropLast() }
        if bytes.last == carriageReturn, source[end - 1] == newline { bytes = bytes.dropLast() }
        guard bytes.allSatisfy(isBlank) else {
          startsLine[line.lowerBound] = true
          return
        }
        if index == line.lowerBound { indentation = Array(bytes) }
      case .tag(let tag):
        guard tag.kind.canStandAlone else {
          startsLine[line.lowerBound] = true
          return
        }
        tags.append(index)
      }
    }
    let others = tags.filter { index in
      guard case .tag(let tag) = tokens[index] else { return false }
      return tag.kind != .parent && tag.closes != .parent
    }
    guard !tags.isEmpty, others.count <= 1 else {
      startsLine[line.lowerBound] = true
      return
    }
    for index in line {
      switch tokens[index] {
      case .text: isRemoved[index] = true
      case .tag(var tag):
        tag.isStandalone = true
        tag.indentation = indentation
        tokens[index] = .tag(tag)
      }
    }
  }

  // MARK: Nodes

  private struct Frame {
    var tag: Tag?
    var nodes: [Node] = []
    var overrides: [String: Block] = [:]
  }

  private mutating func build() throws(TemplateError) -> [Node] {
    var frames = [Frame(tag: nil)]
    for index in tokens.indices where !isRemoved[index] {
      let isInsideParent = frames.last?.tag?.kind == .parent
      if startsLine[index], !isInsideParent {
        if case .text = tokens[index] {} else { append(.text(Text(bytes: [], lineStarts: [0])), to: &frames) }
      }
      switch tokens[index] {
      case .text(let start, let end):
        guard !isInsideParent else { continue }  // text directly inside a parent tag is ignored
        append(.text(Text(bytes: Array(source[start..<end]), lineStarts: startsLine[index] ? [0] : [])), to: &frames)
      case .tag(let tag):
        if isInsideParent, tag.kind != .block, tag.kind != .close, tag.kind != .comment, tag.kind != .delimiters {
          throw error(at: tag.start, "only '{{$block}}' tags may stand directly inside '{{<parent}}'")
        }
        switch tag.kind {
        case .comment, .delimiters: break
        case .variable, .unescaped:
          append(.variable(try path(of: tag), isEscaped: tag.kind == .variable), to: &frames)
        case .partial:
          note(tag)
          append(
            .partial(name: tag.name, index: -1, indentation: tag.isStandalone ? tag.indentation : nil), to: &frames)
        case .section, .inverted, .parent, .block:
          if tag.kind == .parent { note(tag) }
          frames.append(Frame(tag: tag))
        case .close:
          guard let frame = frames.popLast(), let opening = frame.tag else { continue }
          switch opening.kind {
          case .section: append(.section(try path(of: opening), frame.nodes), to: &frames)
          case .inverted: append(.inverted(try path(of: opening), frame.nodes), to: &frames)
          case .parent:
            append(
              .parent(
                name: opening.name, index: -1, indentation: opening.isStandalone ? opening.indentation : nil,
                overrides: frame.overrides), to: &frames)
          default:
            let block = Block(
              nodes: frame.nodes, indentation: intrinsicIndentation(of: opening), isStandalone: opening.isStandalone)
            if frames[frames.count - 1].tag?.kind == .parent {
              if frames[frames.count - 1].overrides[opening.name] == nil {
                frames[frames.count - 1].overrides[opening.name] = block
              }
            } else {
              append(.block(name: opening.name, block), to: &frames)
            }
          }
        }
      }
    }
    return frames[0].nodes
  }

  private mutating func note(_ tag: Tag) {
    let (line, column) = place(of: tag.start)
    references.append((tag.name, tag.kind == .parent, line, column))
  }

  /// Appends a node, merging text into the text before it.
  private func append(_ node: Node, to frames: inout [Frame]) {
    let last = frames.count - 1
    if case .text(let text) = node, case .text(var previous)? = frames[last].nodes.last {
      previous.lineStarts += text.lineStarts.map { $0 + previous.bytes.count }
      previous.bytes += text.bytes
      frames[last].nodes[frames[last].nodes.count - 1] = .text(previous)
    } else {
      frames[last].nodes.append(node)
    }
  }

  /// The indentation of a block's lines: when its opening tag stands alone, that of the first line after
  /// it (the content's own, "intrinsic" indentation); otherwise the white space before the tag when
  /// nothing else precedes it on its line.
  private func intrinsicIndentation(of tag: Tag) -> [UInt8] {
    if tag.isStandalone {
      var index = tag.end
      while index < source.count, source[index] != newline { index += 1 }
      index += 1
      var indentation: [UInt8] = []
      while index < source.count, isBlank(source[index]) {
        indentation.append(source[index])
        index += 1
      }
      return indentation
    }
    let (line, _) = place(of: tag.start)
    let before = source[lineOffsets[line - 1]..<tag.start]
    return before.allSatisfy(isBlank) ? Array(before) : []
  }

  private func path(of tag: Tag) throws(TemplateError) -> Path {
    if tag.name == "." { return .implicit }
    let names = tag.name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard !names.contains(where: \.isEmpty) else {
      throw error(at: tag.start, "'\(tag.name)' is not a name: dotted names have no empty parts")
    }
    return names.count == 1 ? .name(names[0]) : .names(names)
  }

  // MARK: Places

  private func place(of offset: Int) -> (line: Int, column: Int) {
    var low = 0
    var high = lineOffsets.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if lineOffsets[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    let column = source[lineOffsets[low]..<offset].count { $0 & 0xC0 != 0x80 } + 1
    return (low + 1, column)
  }

  private func error(at offset: Int, _ message: String) -> TemplateError {
    let (line, column) = place(of: offset)
    return TemplateError(template: name, line: line, column: column, message: message)
  }
}

private let newline = UInt8(ascii: "\n")
private let carriageReturn = UInt8(ascii: "\r")

private func isBlank(_ byte: UInt8) -> Bool {
  byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
}

private func trimmed(_ bytes: [UInt8]) -> [UInt8] {
  let isSpace = { (byte: UInt8) in isBlank(byte) || byte == newline || byte == carriageReturn }
  guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
  else { return [] }
  return Array(bytes[first...last])
}
