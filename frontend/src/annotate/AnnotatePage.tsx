// The annotation page (being built).
import { useParams } from "react-router-dom";

export function AnnotatePage() {
  const { datapointId } = useParams();
  return <p>Datapoint {datapointId}</p>;
}
