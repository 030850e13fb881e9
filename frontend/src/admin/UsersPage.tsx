// User administration (being built).
export function UsersPage() {
  return <p>Users</p>;
}
