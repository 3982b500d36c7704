import AccreditMustache
import AccreditSupport

extension TemplateValue {
  /// A stable hash of the value (`StableHash`): every field's name and value, in order, with the kind of
  /// each value, so that a page rendered from it can be keyed by what its template is given.
  var stableHash: UInt64 {
    var parts: [UInt64] = []
    appendHashParts(to: &parts)
    return StableHash.combine(parts)
  }

  private func appendHashParts(to parts: inout [UInt64]) {
    switch self {
    case .null: parts.append(0)
    case .bool(let flag): parts.append(flag ? 2 : 1)
    case .int(let number): parts += [3, UInt64(bitPattern: Int64(number))]
    case .double(let number): parts += [4, number.bitPattern]
    case .string(let text): parts += [5, StableHash.of(text)]
    case .list(let items):
      parts += [6, UInt64(items.count)]
      for item in items { item.appendHashParts(to: &parts) }
    case .object(let object):
      parts += [7, UInt64(object.fields.count)]
      for field in object.fields {
        parts.append(StableHash.of(field.name))
        field.value.appendHashParts(to: &parts)
      }
    }
  }
}
