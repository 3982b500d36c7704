// Case rules: which cases exist and are open on a date, their stage, marks and serious escalations.

extension Evaluator {
  /// The marks placed on or before `day`, oldest first.
  func marks(in cases: [EscalationCase], on day: Day) -> [Mark] {
    // Each evaluation asks: reading the two fields in place spares a copy of every case (a retain and a
    // release per field of each).
    var marks: [Mark] = []
    for index in cases.indices {
      guard let outcome = cases[index].outcome, outcome.decision == .mark, outcome.date <= day else { continue }
      marks.append(Mark(caseID: cases[index].id, date: outcome.date, location: outcome.location))
    }
    return marks.sorted { ($0.date, $0.caseID) < ($1.date, $1.caseID) }
  }

  /// The cases open on `day`, by id.
  func openCases(in cases: [EscalationCase], on day: Day) -> [OpenCase] {
    cases.filter { $0.isOpen(on: day) }
      .compactMap { escalation in
        escalation.stage(on: day).map { OpenCase(id: escalation.id, stage: $0, isSerious: escalation.isSerious) }
      }
      .sorted { $0.id < $1.id }
  }

  /// One `serious-case` reason per serious case open on `day`.
  func seriousCaseReasons(in cases: [EscalationCase], on day: Day) -> [Reason] {
    cases.filter { $0.isSerious && $0.isOpen(on: day) }
      .sorted { $0.id < $1.id }
      .map { escalation in
        let stage = (escalation.stage(on: day) ?? .complaint).words
        return Reason(
          rule: .seriousCase, message: "Serious escalation \(escalation.id) is open at the \(stage) stage",
          location: escalation.seriousLocation ?? escalation.location, caseID: escalation.id,
          brief: "serious case open")
      }
  }
}
