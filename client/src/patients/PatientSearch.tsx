import type { TypedDocumentNode } from "@apollo/client";
import { useQuery } from "@apollo/client/react";
import { Paper, Table, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState, type ReactNode } from "react";
import { Empty, ErrorState, Loading } from "../ui/states";

type PatientsResult<Patient> = { patients: { edges: Array<{ node: Patient }> } };

interface PatientSearchProps<Patient> {
  query: TypedDocumentNode<PatientsResult<Patient>, { search: string }>;
  label: string;
  hint: string;
  noMatch: string;
  /** The result table's header cells. */
  columns: ReactNode;
  /** One table row per patient found. */
  row: (patient: Patient) => ReactNode;
}

/** A search for patients by part of the name, email or case reference (from two characters, debounced) and its results as a table. */
export function PatientSearch<Patient>({ query, label, hint, noMatch, columns, row }: PatientSearchProps<Patient>) {
  const [search, setSearch] = useState("");
  const [term] = useDebouncedValue(search.trim(), 300);
  const { data, error, refetch } = useQuery(query, { variables: { search: term }, skip: term.length < 2 });
  const patients = (data?.patients.edges ?? []).map(({ node }) => node);

  return (
    <>
      <Paper withBorder p="md">
        <TextInput label={label} description={hint} type="search" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
      </Paper>
      {term.length < 2 ? null : error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !data ? (
        <Loading />
      ) : patients.length === 0 ? (
        <Empty>{noMatch}</Empty>
      ) : (
        <Paper withBorder>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>{columns}</Table.Tr>
            </Table.Thead>
            <Table.Tbody>{patients.map(row)}</Table.Tbody>
          </Table>
        </Paper>
      )}
    </>
  );
}
