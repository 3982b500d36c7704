public import AccreditEngine
public import AccreditSupport

extension StatusDocument {
  /// The document as JSON in the key order SPEC section 5 gives (`JSONEncoder` does not keep an order).
  /// A test decodes it back with `JSONDecoder` and compares, so the order here and `CodingKeys` agree.
  public var json: JSONValue {
    .object([
      ("schema", .int(schema)),
      ("as_of", .string(asOf)),
      ("partners", .array(partners.map(\.json))),
    ])
  }
}

extension StatusDocument {
  /// The file's bytes for `evaluations`: each partner's element as `memo` has it, or made and kept there,
  /// written as `json.serialized()` writes the whole document.
  static func bytes(evaluations: [PartnerEvaluation], asOf: Day, contentName: String, memo: PartnerMemo) -> [UInt8] {
    let empty = StatusDocument(evaluations: [], asOf: asOf, contentName: contentName).json.serialized()
    let tail = "[]\n}\n"
    let sorted = evaluations.sorted { $0.slug < $1.slug }
    guard !sorted.isEmpty, empty.hasSuffix(tail) else {
      return Array(StatusDocument(evaluations: sorted, asOf: asOf, contentName: contentName).json.serialized().utf8)
    }
    // The partners are the third member of the top object, an array two levels in.
    let elements = sorted.map { evaluation in
      "    "
        + memo.piece(.statusJSON, of: evaluation.slug) {
          let document = StatusDocument(evaluations: [evaluation], asOf: asOf, contentName: contentName)
          return document.partners.first.map { $0.json.serialized(indent: 2) } ?? ""
        }
    }
    return Array((empty.dropLast(tail.count) + "[\n" + elements.joined(separator: ",\n") + "\n  ]\n}\n").utf8)
  }
}

extension StatusDocument.Partner {
  var json: JSONValue {
    .object([
      ("slug", .string(slug)),
      ("name", .string(name)),
      ("tier", .string(tier)),
      ("tier_eligible", .bool(tierEligible)),
      ("in_grace", .bool(inGrace)),
      ("eligible_to_apply", .bool(eligibleToApply)),
      ("marks", .int(marks)),
      ("next_tier_review", .string(nextTierReview)),
      ("accreditations", .array(accreditations.map(\.json))),
      (
        "open_cases",
        .array(
          openCases.map {
            .object([("id", .string($0.id)), ("stage", .string($0.stage)), ("serious", .bool($0.serious))])
          })
      ),
    ])
  }
}

extension StatusDocument.Accreditation {
  var json: JSONValue {
    .object([
      ("type", .string(type)),
      ("issued", .string(issued)),
      ("status", .string(status)),
      ("next_evaluation", .string(nextEvaluation)),
      ("missing_certifications", .array(missingCertifications.map { .string($0) })),
      (
        "reasons",
        .array(
          reasons.map {
            .object([("rule", .string($0.rule)), ("message", .string($0.message)), ("source", .string($0.source))])
          })
      ),
    ])
  }
}
