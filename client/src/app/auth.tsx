import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import type { ViewerFieldsFragment } from "../generated/graphql";
import type { MeridianClient } from "./apollo";

const ClientContext = createContext<MeridianClient | null>(null);

export function MeridianClientProvider({ client, children }: { client: MeridianClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useMeridianClient(): MeridianClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error("useMeridianClient outside MeridianClientProvider");
  return client;
}

/** The signed-in user of this tab (null when signed out), re-rendering on sign-in and sign-out. */
export function useViewer(): ViewerFieldsFragment | null {
  const { session } = useMeridianClient();
  const [viewer, setViewer] = useState(session.viewer);
  useEffect(() => session.subscribe(setViewer), [session]);
  return viewer;
}
