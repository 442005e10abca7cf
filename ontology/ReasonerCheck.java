// The reasoner step of `thaiplan ontology check` (issues 2, 15), run by ontology/check.py in Java's
// source-file mode against HermiT and the OWL API inside owlready2's HermiT.jar: no download, no build.
// Hand-written because owlready2 rewrites punned upstream terms as it loads them (a property that PROV-O
// or SKOS types two ways) and then fails to apply HermiT's answer; here the OWL API reads the merged
// triples as they are. Arguments: the merged graph, then its terminological part (no individuals).
// Prints "consistent: yes|no" and, when consistent, one "unsatisfiable<TAB>IRI" line per named class
// that is unsatisfiable in the terminological part.
import java.io.File;
import org.semanticweb.HermiT.Configuration;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLClass;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;

public class ReasonerCheck {
    static Reasoner reasoner(String path) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(path));
        Configuration configuration = new Configuration();
        // xsd:gYear and rdf:langString are outside the OWL 2 datatype map: treated as opaque.
        configuration.ignoreUnsupportedDatatypes = true;
        return new Reasoner(configuration, ontology);
    }

    public static void main(String[] args) throws Exception {
        boolean consistent = reasoner(args[0]).isConsistent();
        System.out.println("consistent: " + (consistent ? "yes" : "no"));
        if (!consistent) return;
        for (OWLClass c : reasoner(args[1]).getUnsatisfiableClasses().getEntitiesMinusBottom()) {
            System.out.println("unsatisfiable\t" + c.getIRI());
        }
    }
}
