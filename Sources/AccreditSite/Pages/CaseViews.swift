import AccreditEngine
import AccreditMustache

/// One stage of the escalation path as a stepper shows it.
struct StepperStage: Sendable, Encodable {
  let label: String
  /// `done`, `current`, `upcoming` or `skipped`.
  let state: String
  /// Words for the state, for screen readers and print.
  let stateLabel: String
  let date: DateView?
  let isCurrent: Bool
}

extension StepperStage {
  /// The stage as `TemplateEncoder` encodes it (a test holds the two equal), made directly: every case has
  /// a stepper, and the encoder's generic path for its four stages cost more than the rest of the summary.
  var templateValue: TemplateValue {
    .object(
      TemplateObject([
        ("label", .string(label)), ("state", .string(state)), ("stateLabel", .string(stateLabel)),
        (
          "date",
          date.map { .object(TemplateObject([("iso", .string($0.iso)), ("display", .string($0.display))])) } ?? .null
        ),
        ("isCurrent", .bool(isCurrent)),
      ]))
  }
}

/// A case in a list: id, customer, where it stands.
struct CaseSummary: Sendable, Encodable {
  let id: String
  let href: String
  let customer: String
  let accreditation: String?
  let isSerious: Bool
  let opened: DateView
  /// "Open at mediation", "Closed: mark placed".
  let state: String
  let isOpen: Bool
  /// The escalation path, the same on the case page and the partner page: encoded once per case.
  let stepper: Encoded<[StepperStage]>
}

extension EscalationCase.Stage {
  /// The stage as people say it.
  var label: String {
    switch self {
    case .complaint: "Complaint"
    case .mediation: "Mediation"
    case .partnerOps: "Partner ops"
    case .reviewBoard: "Review board"
    }
  }
}

extension EscalationCase.Decision {
  /// The outcome in words.
  var label: String {
    switch self {
    case .resolved: "resolved"
    case .noFault: "no fault found"
    case .mark: "mark placed"
    }
  }
}

extension SiteContext {
  /// The stepper of a case, encoded the first time a page asks for it.
  func encodedStepper(for escalation: EscalationCase) -> Encoded<[StepperStage]> {
    let key = escalation.location.file
    if let cached = stepperCache.withLock({ $0[key] }) { return cached }
    let encoded = Encoded<[StepperStage]>(value: .list(stepper(for: escalation).map(\.templateValue)))
    stepperCache.withLock { $0[key] = encoded }
    return encoded
  }

  /// The stepper for a case as of the evaluation date.
  func stepper(for escalation: EscalationCase) -> [StepperStage] {
    let steps = escalation.steps(through: asOf)
    let reached = steps.last?.stage
    let isClosed = escalation.outcome(through: asOf) != nil
    return EscalationCase.Stage.allCases.map { stage in
      let step = steps.first { $0.stage == stage }
      let state: String
      if let step {
        state = step.stage == reached && !isClosed ? "current" : "done"
      } else if let reached, stage < reached {
        state = "skipped"
      } else {
        state = isClosed ? "not-reached" : "upcoming"
      }
      let stateLabel =
        switch state {
        case "current": "current stage"
        case "skipped": "skipped (serious case)"
        case "upcoming": "not yet"
        case "not-reached": "not reached"
        default: state
        }
      return StepperStage(
        label: stage.label, state: state, stateLabel: stateLabel, date: step.map { DateView($0.date) },
        isCurrent: state == "current")
    }
  }

  /// A case summary, with links relative to the partner's page.
  /// The case's summary as the page at `from` shows it; its link goes through the partner's page, as
  /// every link between a partner's pages does (`cases/ID/` from the partner, `../../cases/ID/` from a case).
  func summary(of escalation: EscalationCase, from: Route) -> CaseSummary {
    let partner = Route.partner(slug: escalation.partnerSlug)
    // From the partner's own page (ten summaries a partner) the first half of the way is empty.
    let href =
      (from == partner ? "" : from.link(to: partner))
      + partner.link(to: .escalation(partner: escalation.partnerSlug, id: escalation.id))
    let steps = escalation.steps(through: asOf)
    let outcome = escalation.outcome(through: asOf)
    let state =
      if let outcome {
        "Closed \(outcome.date.display): \(outcome.decision.label)"
      } else {
        "Open at \(steps.last?.stage.label.lowercased() ?? "complaint")"
      }
    return CaseSummary(
      id: escalation.id, href: href, customer: escalation.customer,
      accreditation: escalation.accreditation.map { accreditationName($0.value) }, isSerious: escalation.isSerious,
      opened: DateView(steps.first?.date ?? asOf), state: state, isOpen: outcome == nil,
      stepper: encodedStepper(for: escalation))
  }
}
