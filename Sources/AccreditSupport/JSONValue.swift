/// A JSON value whose objects keep their keys in the order given.
///
/// Written by hand: `JSONEncoder` either sorts keys alphabetically or leaves their order unspecified,
/// and `api/status.json` has a fixed key order.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    lhs.serialized() == rhs.serialized()
  }

  /// An optional string as a string or null.
  public static func string(_ value: String?) -> JSONValue {
    value.map { .string($0) } ?? .null
  }

  /// The value as text without any whitespace, ending in a newline: for files a page fetches.
  public func compact() -> String {
    var output = ""
    writeCompact(to: &output)
    output += "\n"
    return output
  }

  private func writeCompact(to output: inout String) {
    switch self {
    case .array(let items):
      output += "["
      for (index, item) in items.enumerated() {
        if index > 0 { output += "," }
        item.writeCompact(to: &output)
      }
      output += "]"
    case .object(let members):
      output += "{"
      for (index, (key, value)) in members.enumerated() {
        if index > 0 { output += "," }
        JSONValue.writeString(key, to: &output)
        output += ":"
        value.writeCompact(to: &output)
      }
      output += "}"
    default:
      write(to: &output, indent: 0, compactFrom: .max)
    }
  }

  /// The value as text: indented by two spaces, `": "` between key and value, ending in a newline.
  public func serialized() -> String {
    var output = ""
    write(to: &output, indent: 0, compactFrom: .max)
    output += "\n"
    return output
  }

  /// The value as `serialized()` writes it at `indent` levels of nesting inside a larger value, without
  /// the indentation of its first line or a line break after it: a piece of a document kept apart.
  public func serialized(indent: Int) -> String {
    var output = ""
    write(to: &output, indent: indent, compactFrom: .max)
    return output
  }

  /// The value as `serialized()` writes it down to `depth` levels of nesting, and every value at that depth
  /// on one line as `compact()` writes it: with `depth` 2, an object of arrays has one line per element,
  /// small for thousands of elements and still compared line by line.
  public func serialized(compactFrom depth: Int) -> String {
    var output = ""
    write(to: &output, indent: 0, compactFrom: depth)
    output += "\n"
    return output
  }

  private func write(to output: inout String, indent: Int, compactFrom depth: Int) {
    guard indent < depth else { return writeCompact(to: &output) }
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .int(let value): output += String(value)
    case .string(let value): JSONValue.writeString(value, to: &output)
    case .array(let items):
      guard !items.isEmpty else {
        output += "[]"
        return
      }
      output += "[\n"
      for (index, item) in items.enumerated() {
        output += String(repeating: "  ", count: indent + 1)
        item.write(to: &output, indent: indent + 1, compactFrom: depth)
        output += index < items.count - 1 ? ",\n" : "\n"
      }
      output += String(repeating: "  ", count: indent) + "]"
    case .object(let members):
      guard !members.isEmpty else {
        output += "{}"
        return
      }
      output += "{\n"
      for (index, (key, value)) in members.enumerated() {
        output += String(repeating: "  ", count: indent + 1)
        JSONValue.writeString(key, to: &output)
        output += ": "
        value.write(to: &output, indent: indent + 1, compactFrom: depth)
        output += index < members.count - 1 ? ",\n" : "\n"
      }
      output += String(repeating: "  ", count: indent) + "}"
    }
  }

  // Escapes what JSON requires, plus `<`, `>` and `&` so the text is safe inside an HTML page too.
  private static func writeString(_ value: String, to output: inout String) {
    output += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case "<": output += "\\u003c"
      case ">": output += "\\u003e"
      case "&": output += "\\u0026"
      case "\u{2028}": output += "\\u2028"
      case "\u{2029}": output += "\\u2029"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}
