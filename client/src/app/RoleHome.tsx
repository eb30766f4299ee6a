import type { ReactNode } from "react";
import { Navigate } from "react-router";
import { useViewer } from "./auth";
import { HOME, STAFF } from "./navigation";

/** "/" is the staff's dashboard; reviewers and patients are sent to their own area. */
export function RoleHome({ dashboard }: { dashboard: ReactNode }) {
  const viewer = useViewer();
  if (!viewer) return null;
  if (STAFF.includes(viewer.role)) return dashboard;
  return <Navigate to={HOME[viewer.role]} replace />;
}
