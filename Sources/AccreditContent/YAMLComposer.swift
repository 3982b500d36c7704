internal import CLibYAML

/// Composes YAML text into `YAMLNode`s from libyaml's events: libyaml (Debian's `libyaml-dev`, the parser
/// Yams wraps) does the parsing; this file only builds the tree, and is the only one that touches C.
///
/// Written instead of using Yams' `compose`: at 1,000 × 10, composing with Yams was 38 % of reading the
/// content (its duplicate-key check hashes every key node, every node is copied through value witnesses
/// and every scalar is decoded through Foundation), most of it gone here (see `docs/performance.md`).
/// Records are plain data, so anchors and aliases are refused, which also bounds the work any text can
/// cause; nesting is limited to `maximumDepth`.
enum YAMLComposer {
  /// How deep mappings and lists may nest.
  static let maximumDepth = 100

  /// Why a text could not be composed.
  enum Failure: Error, Equatable {
    /// libyaml's own error: what it found, where, and the construct it was in.
    case syntax(problem: String, mark: YAMLNode.Mark, context: String?, contextMark: YAMLNode.Mark?)
    /// A key that appears again in the same mapping: where it first stood and where it is repeated.
    case duplicateKey(String, first: YAMLNode.Mark, repeated: YAMLNode.Mark)
    /// An anchor (`&name`) or alias (`*name`).
    case anchorOrAlias(mark: YAMLNode.Mark)
    /// Mappings and lists nested deeper than `maximumDepth`.
    case tooDeep(mark: YAMLNode.Mark)
    /// More than one document (`---`) in the text.
    case severalDocuments(mark: YAMLNode.Mark)
  }

  /// The root of `text`'s single document, or nil when the text holds no document.
  static func compose(_ text: String) throws(Failure) -> YAMLNode? {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else {
      throw .syntax(problem: "out of memory", mark: .init(line: 1, column: 1), context: nil, contextMark: nil)
    }
    defer { yaml_parser_delete(&parser) }
    var text = text
    let result = text.withUTF8 { bytes in
      yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
      yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
      return withUnsafeMutablePointer(to: &parser) { pointer in
        var composer = Composer(parser: pointer, bytes: bytes)
        return Result { () throws(Failure) in try composer.document() }
      }
    }
    return try result.get()
  }
}

/// One pass over the events of one text.
private struct Composer {
  let parser: UnsafeMutablePointer<yaml_parser_t>
  /// The text being parsed, to place reader errors, which libyaml gives as a byte offset only.
  let bytes: UnsafeBufferPointer<UInt8>
  var depth = 0

  mutating func document() throws(YAMLComposer.Failure) -> YAMLNode? {
    var event = try next()  // stream start
    yaml_event_delete(&event)
    event = try next()
    guard event.type == YAML_DOCUMENT_START_EVENT else {
      yaml_event_delete(&event)
      return nil
    }
    yaml_event_delete(&event)
    event = try next()
    let root = try node(from: &event)
    event = try next()  // document end
    yaml_event_delete(&event)
    event = try next()
    defer { yaml_event_delete(&event) }
    if event.type == YAML_DOCUMENT_START_EVENT {
      throw .severalDocuments(mark: mark(event.start_mark))
    }
    return root
  }

  /// The next event; the caller deletes it.
  private func next() throws(YAMLComposer.Failure) -> yaml_event_t {
    var event = yaml_event_t()
    guard yaml_parser_parse(parser, &event) == 1 else {
      let state = parser.pointee
      let problem = state.problem.map { String(cString: $0) } ?? "the YAML could not be read"
      let context = state.context.map { String(cString: $0) }
      // A reader error (a control character, bad UTF-8) has no mark, only the offset of the bad byte.
      let place = state.error == YAML_READER_ERROR ? mark(atOffset: state.problem_offset) : mark(state.problem_mark)
      throw .syntax(
        problem: problem, mark: place, context: context,
        contextMark: context == nil ? nil : mark(state.context_mark))
    }
    return event
  }

  /// The node that starts with `event`, which this deletes.
  private mutating func node(from event: inout yaml_event_t) throws(YAMLComposer.Failure) -> YAMLNode {
    let start = mark(event.start_mark)
    defer { yaml_event_delete(&event) }
    switch event.type {
    case YAML_SCALAR_EVENT:
      let scalar = event.data.scalar
      guard scalar.anchor == nil else { throw .anchorOrAlias(mark: start) }
      let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
      return .scalar(.init(string: text, style: style(scalar.style), mark: start))
    case YAML_SEQUENCE_START_EVENT:
      guard event.data.sequence_start.anchor == nil else { throw .anchorOrAlias(mark: start) }
      try enter(start)
      defer { depth -= 1 }
      var items: [YAMLNode] = []
      while true {
        var item = try next()
        if item.type == YAML_SEQUENCE_END_EVENT {
          yaml_event_delete(&item)
          break
        }
        items.append(try node(from: &item))
      }
      return .sequence(.init(items: items, mark: start))
    case YAML_MAPPING_START_EVENT:
      guard event.data.mapping_start.anchor == nil else { throw .anchorOrAlias(mark: start) }
      try enter(start)
      defer { depth -= 1 }
      var pairs: [(key: YAMLNode, value: YAMLNode)] = []
      while true {
        var keyEvent = try next()
        if keyEvent.type == YAML_MAPPING_END_EVENT {
          yaml_event_delete(&keyEvent)
          break
        }
        let key = try node(from: &keyEvent)
        var valueEvent = try next()
        pairs.append((key, try node(from: &valueEvent)))
      }
      try checkDuplicates(pairs)
      return .mapping(.init(pairs: pairs, mark: start))
    default:  // an alias: nothing else can start a node
      throw .anchorOrAlias(mark: start)
    }
  }

  private mutating func enter(_ mark: YAMLNode.Mark) throws(YAMLComposer.Failure) {
    depth += 1
    guard depth <= YAMLComposer.maximumDepth else { throw .tooDeep(mark: mark) }
  }

  // Text keys only: a key that is a list or mapping is reported by the loaders, which expect words.
  private func checkDuplicates(_ pairs: [(key: YAMLNode, value: YAMLNode)]) throws(YAMLComposer.Failure) {
    guard pairs.count > 1 else { return }
    // Mappings in records have a dozen keys at most: comparing each with the ones before is cheaper than
    // hashing, and only a mapping with a repeated key needs the full account below.
    var isRepeated = pairs.count > 32  // a large mapping goes straight to the hashing below
    outer: for index in pairs.indices where !isRepeated {
      guard case .scalar(let key) = pairs[index].key else { continue }
      for earlier in pairs[..<index] {
        if case .scalar(let other) = earlier.key, other.string == key.string {
          isRepeated = true
          break outer
        }
      }
    }
    guard isRepeated else { return }
    // The first repeat in reading order: the editor fixes the copy, having been shown the original.
    var seen: [String: YAMLNode.Mark] = [:]
    for (key, _) in pairs {
      guard case .scalar(let scalar) = key else { continue }
      if let first = seen[scalar.string] {
        throw .duplicateKey(scalar.string, first: first, repeated: scalar.mark)
      }
      seen[scalar.string] = scalar.mark
    }
  }

  /// The line and column (in Unicode scalars) of the byte at `offset`.
  private func mark(atOffset offset: Int) -> YAMLNode.Mark {
    var line = 1
    var column = 1
    for byte in bytes.prefix(offset) {
      if byte == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return YAMLNode.Mark(line: line, column: column)
  }

  private func mark(_ mark: yaml_mark_t) -> YAMLNode.Mark {
    YAMLNode.Mark(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
  }

  private func style(_ style: yaml_scalar_style_t) -> YAMLNode.Style {
    switch style {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
    case YAML_LITERAL_SCALAR_STYLE: .literal
    case YAML_FOLDED_SCALAR_STYLE: .folded
    default: .plain
    }
  }
}
