// Video embeds for the article body editor (django-prose-editor, configurable preset).
// The node stores <iframe src title width height>; the server's sanitiser
// (gazeta/newsroom/sanitize.py) keeps only YouTube and Vimeo players, rewrites watch
// links to player addresses and adds the sandbox. In the editor a placeholder stands in
// for the frame, so editing never loads a third-party player.
import {
  gettext,
  mergeAttributes,
  Node,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const PROVIDERS = /^https?:\/\/([a-z0-9-]+\.)*(youtube\.com|youtu\.be|youtube-nocookie\.com|vimeo\.com)\//i

const embedDialog = () =>
  updateAttrsDialog(
    {
      src: {
        type: "string",
        title: gettext("Video address (YouTube or Vimeo)"),
        required: true,
      },
      title: {
        type: "string",
        title: gettext("What the video shows (for screen readers)"),
        required: true,
      },
    },
    { title: gettext("Embed a video"), submitText: gettext("Insert") },
  )

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,

  addAttributes() {
    return {
      src: { default: null },
      title: { default: "" },
      width: { default: "560" },
      height: { default: "315" },
    }
  },

  parseHTML() {
    return [{ tag: "iframe[src]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["iframe", mergeAttributes(HTMLAttributes)]
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("div")
      dom.className = "gazeta-embed"
      dom.setAttribute("role", "img")
      dom.textContent = `▶ ${node.attrs.title || gettext("Video")} (${node.attrs.src})`
      return { dom }
    }
  },

  addCommands() {
    return {
      insertEmbed:
        () =>
        ({ editor }) => {
          embedDialog()(editor, {}).then((attrs) => {
            if (!attrs) return
            const src = attrs.src.trim()
            if (!PROVIDERS.test(src)) {
              window.alert(gettext("Only YouTube and Vimeo videos can be embedded."))
              return
            }
            editor
              .chain()
              .focus()
              .insertContent({ type: this.name, attrs: { src, title: attrs.title.trim() } })
              .run()
          })
          return true
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "embed",
      groups: "nodes",
      command(editor) {
        editor.commands.insertEmbed()
      },
      button: buttons.material("smart_display", gettext("Embed a video")),
    })
  },
})
