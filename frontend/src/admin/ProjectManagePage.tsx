// Project management (being built).
export function ProjectManagePage() {
  return <p>Manage</p>;
}
