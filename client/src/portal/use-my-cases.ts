import { useQuery } from "@apollo/client/react";
import { useSearchParams } from "react-router";
import { MyCasesDocument, type ConsentFieldsFragment, type MyCaseFragment } from "../generated/graphql";
import { orderCases } from "./my-cases";

export interface MyCases {
  loading: boolean;
  error: unknown;
  refetch(): void;
  patientId: string | null;
  /** Running cases first, then finished ones. */
  cases: MyCaseFragment[];
  consents: ConsentFieldsFragment[];
  /** The case a page is about: `?case=` when it names one of the patient's cases, else the first. */
  current: MyCaseFragment | null;
}

export function useMyCases(chosenId?: string): MyCases {
  const [params] = useSearchParams();
  const { data, error, refetch } = useQuery(MyCasesDocument);
  const patient = data?.viewer?.patient ?? null;
  const cases = orderCases(patient?.cases ?? []);
  const wanted = chosenId ?? params.get("case");
  const current = cases.find((c) => c.id === wanted) ?? cases[0] ?? null;
  return {
    loading: !data && !error,
    error: data ? null : error,
    refetch: () => void refetch(),
    patientId: patient?.id ?? null,
    cases,
    consents: patient?.consents ?? [],
    current,
  };
}
