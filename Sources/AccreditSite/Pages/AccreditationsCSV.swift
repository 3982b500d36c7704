import AccreditEngine

/// `api/accreditations.csv`: one row per accreditation shown on the date, in the order of `status.json`
/// (partners by slug, then accreditations by type and issue date), for spreadsheets (SPEC section 7).
///
/// RFC 4180: UTF-8 without a byte-order mark, CRLF after every row, a field quoted when it holds a comma, a
/// quote or a line break, quotes doubled. The content is untrusted, so a field that begins with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a `'` in front: no spreadsheet runs it as a formula.
enum AccreditationsCSV {
  /// The header row's fields.
  static let header = [
    "partner", "name", "pdm", "region", "tier", "accreditation", "issued", "status", "next_evaluation", "marks",
    "open_cases", "reasons",
  ]

  /// The file's bytes: made from the evaluation and the partners' records (for the PDM and the region);
  /// each partner's rows as `memo` has them, or made and kept there.
  static func bytes(evaluations: [PartnerEvaluation], partners: [String: Partner], memo: PartnerMemo = PartnerMemo())
    -> [UInt8]
  {
    var text = row(header)
    for evaluation in evaluations.sorted(by: { $0.slug < $1.slug }) {
      text += memo.piece(.csv, of: evaluation.slug) { rows(of: evaluation, record: partners[evaluation.slug]) }
    }
    return Array(text.utf8)
  }

  /// A partner's rows: one per accreditation.
  private static func rows(of evaluation: PartnerEvaluation, record: Partner?) -> String {
    var text = ""
    for accreditation in evaluation.accreditations {
      text += row([
        evaluation.slug, evaluation.name, record?.pdm ?? "", record?.region ?? "", evaluation.tier ?? "",
        accreditation.type, accreditation.issued.iso, accreditation.status.rawValue,
        accreditation.nextEvaluation?.iso ?? "", String(evaluation.marks.count), String(evaluation.openCases.count),
        accreditation.reasons.map(\.message).joined(separator: "; "),
      ])
    }
    return text
  }

  /// One row: its fields escaped, separated by commas, ending in CRLF.
  static func row(_ fields: [String]) -> String {
    fields.map(field).joined(separator: ",") + "\r\n"
  }

  /// A field as written: defused when a spreadsheet would read it as a formula, then quoted when needed.
  /// Scalars, not characters: Swift reads `\r\n` as one character, which is neither `\r` nor `\n`.
  static func field(_ value: String) -> String {
    let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    let text = value.unicodeScalars.first.map(formulaStarts.contains) == true ? "'" + value : value
    let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
    guard needsQuotes else { return text }
    var quoted = String.UnicodeScalarView()
    quoted.append("\"")
    for scalar in text.unicodeScalars {
      quoted.append(scalar)
      if scalar == "\"" { quoted.append("\"") }
    }
    quoted.append("\"")
    return String(quoted)
  }
}
