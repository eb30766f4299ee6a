import fs from "node:fs";
import path from "node:path";
import { buildSchema, parse, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from "graphql";

/**
 * The reviewer's pages never ask the server for a direct identifier of the patient: no
 * operation of client/src/reviewer selects the patient (Case.patient, any Patient field) or
 * the patient's own words (Case.reason). Shared operations the pages use (live updates) too.
 */
const ROOT = path.resolve(__dirname, "../..");
const schema = buildSchema(fs.readFileSync(path.join(ROOT, "schema/schema.graphql"), "utf8"));
const IDENTIFYING = new Set(["Case.patient", "Case.reason", "User.patient"]);

function selectedFields(schema: GraphQLSchema, document: DocumentNode): string[] {
  const typeInfo = new TypeInfo(schema);
  const fields: string[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        if (parent) fields.push(`${parent.name}.${typeInfo.getFieldDef()?.name ?? "?"}`);
      },
    }),
  );
  return fields;
}

/** Every document a reviewer page sends, with the fragments they spread. */
function reviewerDocuments(): DocumentNode {
  const files = [
    ...fs.readdirSync(path.join(ROOT, "client/src/reviewer")).filter((f) => f.endsWith(".graphql")).map((f) => path.join(ROOT, "client/src/reviewer", f)),
    path.join(ROOT, "client/src/cases/case.graphql"),
    path.join(ROOT, "schema/operations/live-updates.graphql"),
  ];
  const all = parse(files.map((file) => fs.readFileSync(file, "utf8")).join("\n"));
  // The case page's timeline query comes from cases/; the coordinator's own documents there are not sent by reviewer pages.
  const sent = new Set(["CaseTimeline", "CaseActivity", "CaseStatusChanged", "TimelineEvent", "CaseEventFields"]);
  const reviewerFiles = new Set(files.filter((f) => f.includes("client/src/reviewer")).flatMap((f) => parse(fs.readFileSync(f, "utf8")).definitions.map((d) => ("name" in d && d.name ? d.name.value : ""))));
  return { ...all, definitions: all.definitions.filter((d) => "name" in d && d.name && (reviewerFiles.has(d.name.value) || sent.has(d.name.value))) };
}

test("no reviewer operation selects a field that identifies the patient", () => {
  const fields = selectedFields(schema, reviewerDocuments());
  expect(fields).toContain("Case.reference");
  expect(fields.filter((field) => IDENTIFYING.has(field) || field.startsWith("Patient."))).toEqual([]);
});

test("the check finds an identifying field when one is selected", () => {
  const document = parse(`query { case(id: "1") { id reason patient { fullName dateOfBirth } } }`);
  expect(selectedFields(schema, document).filter((field) => IDENTIFYING.has(field) || field.startsWith("Patient."))).toEqual(["Case.reason", "Case.patient", "Patient.fullName", "Patient.dateOfBirth"]);
});
