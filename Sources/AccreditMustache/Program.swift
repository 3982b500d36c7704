/// The templates of a library as one flat list of instructions, with their text, names and indentations
/// in pools: what the renderer walks. Unlike the node tree, an instruction holds no reference, so reading
/// one costs no retain and no release (the node tree's copies were 40 % of the renderer's samples).
///
/// A node list is a range of instructions; a section's, inverted section's or block's children follow its
/// instruction, which records where they end; a parent's overrides follow it the same way.
final class Program: Sendable {
  /// One instruction; what its operands mean depends on its kind.
  struct Instruction {
    enum Kind: UInt8 {
      /// `a`: the text's index in `texts`.
      case text
      /// `a`: the path's index in `paths`; `.variable` escapes, `.unescaped` does not.
      case variable, unescaped
      /// `a`: the path's index; the children are the instructions up to `b`.
      case section, inverted
      /// `a`: the template's index (-1 when no template has its name); `b`: the indentation's index in
      /// `indentations`, -1 for an inline tag.
      case partial
      /// As `.partial`; `c`: the overrides' index in `overrides`, -1 for none; the overrides' content is
      /// the instructions up to `d`.
      case parent
      /// `a`: the block's index in `blocks`; its default content is the instructions up to `b`.
      case block
    }

    var kind: Kind
    var a: Int32 = -1
    var b: Int32 = -1
    var c: Int32 = -1
    var d: Int32 = -1
  }

  /// Template text: bytes `start..<end` of `bytes`, with the line starts `lineStart..<lineEnd` of
  /// `lineStarts` (offsets from `start`).
  struct TextRange {
    var start: Int
    var end: Int
    var lineStart: Int
    var lineEnd: Int
  }

  /// A path: names `start..<start + count` of `names`; `count` is 0 for `.` (the current value).
  struct PathRange {
    var start: Int
    var count: Int
  }

  /// A block's content (the instructions `start..<end`) and where it stands.
  struct BlockInfo: Sendable {
    var name: String
    var start: Int
    var end: Int
    var indentation: [UInt8]
    var isStandalone: Bool
  }

  let instructions: [Instruction]
  let bytes: [UInt8]
  let lineStarts: [Int]
  let texts: [TextRange]
  let names: [String]
  let paths: [PathRange]
  let indentations: [[UInt8]]
  let blocks: [BlockInfo]
  /// The blocks a parent tag overrides, by name: indexes into `blocks`.
  let overrides: [[String: Int]]
  /// For each template, its instructions.
  let entries: [Range<Int>]
  let templateNames: [String]
  /// The offset of `value` in an object's `(name, value)` field, so that the renderer can point at a
  /// field's value.
  let valueOffset: Int

  /// Flattens compiled templates, their partials and parents resolved to indexes.
  init(_ templates: [CompiledTemplate]) {
    var builder = Builder()
    var entries: [Range<Int>] = []
    for template in templates {
      let start = builder.instructions.count
      builder.emit(template.nodes)
      entries.append(start..<builder.instructions.count)
    }
    instructions = builder.instructions
    bytes = builder.bytes
    lineStarts = builder.lineStarts
    texts = builder.texts
    names = builder.names
    paths = builder.paths
    indentations = builder.indentations
    blocks = builder.blocks
    overrides = builder.overrides
    self.entries = entries
    templateNames = templates.map(\.name)
    var field: (name: String, value: TemplateValue) = ("", .null)
    valueOffset = withUnsafeMutablePointer(to: &field) { whole in
      withUnsafeMutablePointer(to: &whole.pointee.value) { UnsafeRawPointer($0) - UnsafeRawPointer(whole) }
    }
  }

  private struct Builder {
    var instructions: [Instruction] = []
    var bytes: [UInt8] = []
    var lineStarts: [Int] = []
    var texts: [TextRange] = []
    var names: [String] = []
    var paths: [PathRange] = []
    var indentations: [[UInt8]] = []
    var blocks: [BlockInfo] = []
    var overrides: [[String: Int]] = []

    mutating func emit(_ nodes: [Node]) {
      for node in nodes {
        switch node {
        case .text(let text):
          texts.append(
            TextRange(
              start: bytes.count, end: bytes.count + text.bytes.count, lineStart: lineStarts.count,
              lineEnd: lineStarts.count + text.lineStarts.count))
          bytes += text.bytes
          lineStarts += text.lineStarts
          instructions.append(Instruction(kind: .text, a: Int32(texts.count - 1)))
        case .variable(let path, let isEscaped):
          instructions.append(Instruction(kind: isEscaped ? .variable : .unescaped, a: add(path)))
        case .section(let path, let children):
          emitNested(Instruction(kind: .section, a: add(path)), children)
        case .inverted(let path, let children):
          emitNested(Instruction(kind: .inverted, a: add(path)), children)
        case .partial(_, let index, let indentation):
          instructions.append(Instruction(kind: .partial, a: Int32(index), b: add(indentation)))
        case .parent(_, let index, let indentation, let blocks):
          let at = instructions.count
          instructions.append(Instruction(kind: .parent, a: Int32(index), b: add(indentation)))
          if !blocks.isEmpty {
            var set: [String: Int] = [:]
            // Sorted, so that the instructions do not depend on a dictionary's order.
            for (name, block) in blocks.sorted(by: { $0.key < $1.key }) { set[name] = emit(name, block) }
            overrides.append(set)
            instructions[at].c = Int32(overrides.count - 1)
          }
          instructions[at].d = Int32(instructions.count)
        case .block(let name, let block):
          let at = instructions.count
          instructions.append(Instruction(kind: .block))
          instructions[at].a = Int32(emit(name, block))
          instructions[at].b = Int32(instructions.count)
        }
      }
    }

    private mutating func emitNested(_ instruction: Instruction, _ children: [Node]) {
      let at = instructions.count
      instructions.append(instruction)
      emit(children)
      instructions[at].b = Int32(instructions.count)
    }

    /// Emits a block's content and records the block; returns its index.
    private mutating func emit(_ name: String, _ block: Block) -> Int {
      let start = instructions.count
      emit(block.nodes)
      blocks.append(
        BlockInfo(
          name: name, start: start, end: instructions.count, indentation: block.indentation,
          isStandalone: block.isStandalone))
      return blocks.count - 1
    }

    private mutating func add(_ path: Path) -> Int32 {
      let start = names.count
      switch path {
      case .implicit: break
      case .name(let name): names.append(name)
      case .names(let parts): names += parts
      }
      paths.append(PathRange(start: start, count: names.count - start))
      return Int32(paths.count - 1)
    }

    private mutating func add(_ indentation: [UInt8]?) -> Int32 {
      guard let indentation else { return -1 }
      indentations.append(indentation)
      return Int32(indentations.count - 1)
    }
  }
}
