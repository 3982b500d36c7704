/// A set of Mustache templates compiled together, so that partials and parents are found once, by index,
/// when the set loads rather than by name on every render.
///
/// Written here rather than taken from swift-mustache: that library looks every name up dynamically
/// (`Mirror`, dynamic casts, `String` escaping), which was 52 % of a full build's CPU (see
/// `docs/performance.md`). Here a model is encoded once into a `TemplateValue` and rendered straight into
/// bytes.
public struct TemplateLibrary: Sendable {
  private let templates: [CompiledTemplate]
  /// The templates as the flat instructions the renderer walks.
  private let program: Program
  private let indexes: [String: Int]
  /// For each template, the bytes of template text its output holds at least once: the room an output
  /// buffer is given up front, so that it does not grow through a dozen copies.
  private let textSizes: [Int]

  /// How deep partials, parents and blocks may nest while rendering: a template that includes itself
  /// outside any section would otherwise never end.
  public static let maximumDepth = 200

  /// Compiles `sources` (template name → Mustache text). Every problem found is thrown, one per template
  /// at most, sorted by template name: syntax errors, and partials or parents that name no template.
  public init(_ sources: [String: String]) throws(Failure) {
    var templates: [CompiledTemplate] = []
    var errors: [TemplateError] = []
    var references: [String: [(name: String, isParent: Bool, line: Int, column: Int)]] = [:]
    for name in sources.keys.sorted() {
      var parser = Parser(name: name, source: sources[name] ?? "")
      do {
        templates.append(CompiledTemplate(name: name, nodes: try parser.parse()))
        references[name] = parser.references
      } catch {
        errors.append(error)
        templates.append(CompiledTemplate(name: name, nodes: []))
      }
    }
    let indexes = Dictionary(uniqueKeysWithValues: templates.enumerated().map { ($1.name, $0) })
    for template in templates {
      for reference in references[template.name] ?? [] where indexes[reference.name] == nil {
        errors.append(
          TemplateError(
            template: template.name, line: reference.line, column: reference.column,
            message: "\(reference.isParent ? "parent template" : "partial") '\(reference.name)' not found",
            missingTemplate: reference.name))
      }
    }
    guard errors.isEmpty else {
      throw Failure(errors: errors.sorted { ($0.template, $0.line) < ($1.template, $1.line) })
    }
    let resolved = templates.map { CompiledTemplate(name: $0.name, nodes: resolve($0.nodes, indexes)) }
    self.templates = resolved
    program = Program(resolved)
    self.indexes = indexes
    textSizes = resolved.indices.map { textSize(of: resolved[$0].nodes, in: resolved, visited: [$0]) }
  }

  /// Every problem of a template set.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    /// The problems, sorted by template and line.
    public var errors: [TemplateError]

    public var description: String { errors.map(\.description).joined(separator: "\n") }
  }

  /// The names of the templates.
  public var names: [String] { templates.map(\.name) }

  /// Whether a template of that name exists.
  public func contains(_ name: String) -> Bool { indexes[name] != nil }

  /// The templates rendering `name` may use: itself, and every partial and parent it names, through theirs,
  /// sorted by name (empty when there is no such template). A page's output depends on these alone.
  public func dependencies(of name: String) -> [String] {
    guard let start = indexes[name] else { return [] }
    var seen: Set<Int> = [start]
    var pending = [start]
    while let index = pending.popLast() {
      for used in referencedTemplates(in: templates[index].nodes) where templates.indices.contains(used) {
        if seen.insert(used).inserted { pending.append(used) }
      }
    }
    return seen.map { templates[$0].name }.sorted()
  }

  /// Renders `value` with the template `name`, appending to `output`.
  public func render(_ value: TemplateValue, with name: String, into output: inout [UInt8]) throws(RenderError) {
    guard let index = indexes[name] else { throw RenderError(message: "there is no template named '\(name)'") }
    output.reserveCapacity(output.count + textSizes[index] + textSizes[index] / 2)
    // The value the context stack starts from, at an address of its own for the whole render.
    let root = UnsafeMutablePointer<TemplateValue>.allocate(capacity: 1)
    root.initialize(to: value)
    defer {
      root.deinitialize(count: 1)
      root.deallocate()
    }
    var renderer = Renderer(program: program, output: output, root: root)
    output = []
    defer { output = renderer.output }
    try renderer.render(program.entries[index], .identity, start: .inherit, scope: nil)
  }

  /// Renders `value` with the template `name`.
  public func render(_ value: TemplateValue, with name: String) throws(RenderError) -> [UInt8] {
    var output: [UInt8] = []
    try render(value, with: name, into: &output)
    return output
  }

  /// Renders a model with the template `name`: the model is encoded through its `Encodable` conformance.
  public func render<Model: Encodable>(_ model: Model, with name: String) throws(RenderError) -> [UInt8] {
    let value: TemplateValue
    do {
      value = try TemplateEncoder.encode(model)
    } catch {
      throw RenderError(message: "the model could not be encoded: \(error)")
    }
    return try render(value, with: name)
  }
}

/// A render that could not finish.
public struct RenderError: Error, Sendable, CustomStringConvertible {
  /// What went wrong.
  public var message: String

  public var description: String { message }
}

/// The bytes of text that rendering `nodes` writes at least once: sections count once, partials and
/// parents with the text of the template they include (each template once along a path).
private func textSize(of nodes: [Node], in templates: [CompiledTemplate], visited: Set<Int>) -> Int {
  nodes.reduce(0) { total, node in
    switch node {
    case .text(let text): return total + text.bytes.count
    case .variable: return total
    case .section(_, let children), .inverted(_, let children):
      return total + textSize(of: children, in: templates, visited: visited)
    case .block(_, let block): return total + textSize(of: block.nodes, in: templates, visited: visited)
    case .partial(_, let index, _), .parent(_, let index, _, _):
      guard templates.indices.contains(index), !visited.contains(index) else { return total }
      return total + textSize(of: templates[index].nodes, in: templates, visited: visited.union([index]))
    }
  }
}

/// The indexes of the templates `nodes` include as partials or parents, at any depth of sections, blocks
/// and parents' overrides.
private func referencedTemplates(in nodes: [Node]) -> [Int] {
  nodes.flatMap { node -> [Int] in
    switch node {
    case .text, .variable: []
    case .section(_, let children), .inverted(_, let children): referencedTemplates(in: children)
    case .block(_, let block): referencedTemplates(in: block.nodes)
    case .partial(_, let index, _): [index]
    case .parent(_, let index, _, let overrides):
      [index] + overrides.values.flatMap { referencedTemplates(in: $0.nodes) }
    }
  }
}

/// Gives every partial and parent the index of the template it names.
private func resolve(_ nodes: [Node], _ indexes: [String: Int]) -> [Node] {
  nodes.map { node in
    switch node {
    case .text, .variable: node
    case .section(let path, let children): .section(path, resolve(children, indexes))
    case .inverted(let path, let children): .inverted(path, resolve(children, indexes))
    case .partial(let name, _, let indentation):
      .partial(name: name, index: indexes[name] ?? -1, indentation: indentation)
    case .parent(let name, _, let indentation, let overrides):
      .parent(
        name: name, index: indexes[name] ?? -1, indentation: indentation,
        overrides: overrides.mapValues {
          Block(
            nodes: resolve($0.nodes, indexes), indentation: $0.indentation,
            isStandalone: $0.isStandalone)
        })
    case .block(let name, let block):
      .block(
        name: name,
        Block(nodes: resolve(block.nodes, indexes), indentation: block.indentation, isStandalone: block.isStandalone))
    }
  }
}
